import { applyPatch, detectShape, featureStatus, isNumberMatchingEnforced, planEnable, planRollback } from '../policy';
import type { AuthenticatorConfig, PatchBody, PolicyShape } from '../policy/types';
import type { RolloutPlan } from './schema';

export interface PlanChange {
  ring: string;
  target: string;
  before: string | null;
  after: string | null;
  patch: PatchBody;
}

export interface PlanPreview {
  feature: RolloutPlan['feature'];
  shape: PolicyShape;
  /** Set when there is nothing to roll out (number matching enforced by Microsoft). */
  note?: string;
  changes: PlanChange[];
  rollback: { patch: PatchBody | null };
}

/** What the rollout would write, ring by ring, against a configuration read from the tenant. Writes nothing. */
export function previewPlan(plan: RolloutPlan, config: AuthenticatorConfig): PlanPreview {
  const shape = detectShape(config);
  if (plan.feature === 'numberMatching' && isNumberMatchingEnforced(config)) {
    return {
      feature: plan.feature,
      shape,
      note: 'Number matching is enforced by Microsoft for every Authenticator push notification since 8 May 2023: nothing to roll out, nothing would be written.',
      changes: [],
      rollback: { patch: null },
    };
  }
  const changes: PlanChange[] = [];
  let current = config;
  for (const ring of plan.rings) {
    const before = featureStatus(current, plan.feature).enabledTarget;
    const planned = planEnable(current, plan.feature, ring.target);
    current = applyPatch(current, planned.body);
    changes.push({ ring: ring.name, target: ring.target, before, after: featureStatus(current, plan.feature).enabledTarget, patch: planned.body });
  }
  return { feature: plan.feature, shape, changes, rollback: { patch: planRollback(config, current, plan.feature, plan.rollback, plan.rings.map((r) => r.target)).body } };
}
