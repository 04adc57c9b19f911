import { z } from 'zod';
import { detectShape, featureStatus, isNumberMatchingEnforced, PolicyError } from '../../policy';
import { ALL_USERS } from '../../policy/types';
import { accumulateWindow, emptyTally, type PushTotals, type SignInRecord } from '../../health';
import { durationMs, healthRuleOf, planSchema, type RolloutPlan } from '../../plan';
import type { GraphGateway } from '../../graph';
import { services } from '../services';
import type { PreflightResult, RingPreflight } from '../types';
import { parseActivityInput, rolloutId, settle, type ActivityResult } from './input';

/**
 * Preflight: reads the configuration (the snapshot, recorded in the orchestration history before any write) and
 * checks the tenant can take the plan. It only reads, so running it again is harmless.
 */

export interface PreflightInput {
  rolloutId: string;
  plan: RolloutPlan;
}

const preflightInput: z.ZodType<PreflightInput> = z.object({ rolloutId, plan: planSchema });

/** Below this share of a ring's members with Authenticator push registered, preflight warns. */
const PUSH_COVERAGE_WARNING = 0.8;
/** How many members of ring N preflight checks for membership of ring N+1. */
const NESTING_SAMPLE = 5;

export async function preflight(graph: GraphGateway, input: PreflightInput): Promise<PreflightResult> {
  const { plan } = input;
  const snapshot = await graph.readConfig({ feature: plan.feature });
  const shape = detectShape(snapshot);
  const errors: string[] = [];
  const warnings: string[] = [];

  if (plan.feature === 'numberMatching' && isNumberMatchingEnforced(snapshot)) {
    return { shape, snapshot, enabledTargetBefore: null, enforcedByMicrosoft: true, rings: [], errors, warnings };
  }
  let enabledTargetBefore: string | null = null;
  try {
    const status = featureStatus(snapshot, plan.feature);
    enabledTargetBefore = status.enabledTarget;
    if (status.enabledTargets.length > 1) {
      errors.push(`The tenant already has ${status.enabledTargets.length} targets enabled for ${plan.feature} (${status.enabledTargets.join(', ')}); fix that first.`);
    }
    for (const ring of plan.rings) {
      if (status.excludeTarget !== null && ring.target.toLowerCase() === status.excludeTarget.toLowerCase()) {
        errors.push(`Ring ${ring.name} targets ${ring.target}, which is the exclude target of ${plan.feature}.`);
      }
    }
  } catch (error) {
    errors.push(error instanceof PolicyError ? error.message : `The policy could not be read: ${String(error)}`);
  }
  if (snapshot.state !== 'enabled') {
    errors.push('The Microsoft Authenticator method is not enabled in this tenant; its feature settings have no effect until it is.');
  }
  if (enabledTargetBefore !== null) {
    warnings.push(`${plan.feature} is already enabled for ${enabledTargetBefore}; the first ring replaces that target.`);
  }

  const groups = new Map<string, { displayName: string } | null>();
  for (const ring of plan.rings) groups.set(ring.target, ring.target === ALL_USERS ? { displayName: 'All users' } : await graph.getGroup(ring.target));
  const existing = plan.rings.filter((ring) => groups.get(ring.target)).map((ring) => ring.target);
  // One read of the registration report serves every ring: paging it per ring costs minutes at enterprise scale.
  const coverage = new Map(existing.length > 0 ? (await graph.ringCoverage(existing)).map((c) => [c.target, c] as const) : []);
  const rings: RingPreflight[] = [];
  for (const ring of plan.rings) {
    const group = groups.get(ring.target);
    const covered = coverage.get(ring.target);
    if (!group || !covered) {
      errors.push(`Ring ${ring.name}: group ${ring.target} does not exist in the tenant.`);
      rings.push({ ring: ring.name, target: ring.target, exists: false, displayName: '', members: 0, pushRegistered: 0 });
      continue;
    }
    const { members, registered } = covered;
    rings.push({ ring: ring.name, target: ring.target, exists: true, displayName: group.displayName, members, pushRegistered: registered });
    if (members === 0) warnings.push(`Ring ${ring.name} (${group.displayName}) has no members: its soak proves nothing.`);
    else if (registered / members < PUSH_COVERAGE_WARNING) {
      warnings.push(
        `Ring ${ring.name} (${group.displayName}): only ${registered} of ${members} members have Microsoft Authenticator push registered; the others will not see the change.`,
      );
    }
  }
  if (errors.length === 0) warnings.push(...(await nestingWarnings(graph, plan, rings)));
  const startsWithEveryone = plan.rings[0]?.target === ALL_USERS;
  const lookback = startsWithEveryone && errors.length === 0 ? await pushLookback(graph, plan, new Date()) : undefined;
  return { shape, snapshot, enabledTargetBefore, enforcedByMicrosoft: false, rings, errors, warnings, ...(lookback ? { lookback } : {}) };
}

/**
 * A page of sign-ins is one report request (2 s when paced): the look-back reads the newest pages of the plan's
 * baselineWindow, at most this many, so that preflight stays within a few minutes even on a large tenant.
 */
export const LOOKBACK_PAGES = 30;

async function pushLookback(graph: GraphGateway, plan: RolloutPlan, now: Date): Promise<PushTotals> {
  const from = new Date(now.getTime() - durationMs(healthRuleOf(plan.health).baselineWindow));
  // One window over every page read, so that a record published twice is counted once across pages.
  const bounds = { fromMs: from.getTime(), untilMs: now.getTime(), overlapMs: now.getTime() - from.getTime() };
  let tally = emptyTally();
  let pages = 0;
  for await (const page of graph.signIns({ from, to: now })) {
    tally = accumulateWindow(tally, page as SignInRecord[], bounds, () => 'control').tally;
    if (++pages >= LOOKBACK_PAGES) break;
  }
  return tally.control;
}

/** Ring N+1 should contain ring N: compare member counts and check a sample of ring N's members. */
async function nestingWarnings(graph: GraphGateway, plan: RolloutPlan, rings: RingPreflight[]): Promise<string[]> {
  const warnings: string[] = [];
  for (let i = 1; i < plan.rings.length; i++) {
    const inner = rings[i - 1];
    const outer = rings[i];
    if (!inner || !outer || outer.target === ALL_USERS) continue;
    if (outer.members < inner.members) {
      warnings.push(`Ring ${outer.ring} has fewer members (${outer.members}) than ring ${inner.ring} (${inner.members}), so it cannot contain it.`);
      continue;
    }
    const innerMembers = await graph.memberIds(inner.target);
    if (!innerMembers) continue;
    const sample = [...innerMembers].sort().filter((_, index, all) => index % Math.max(1, Math.floor(all.length / NESTING_SAMPLE)) === 0).slice(0, NESTING_SAMPLE);
    const missing: string[] = [];
    for (const member of sample) if (!(await graph.isMember(outer.target, member))) missing.push(member);
    if (missing.length > 0) {
      warnings.push(
        `Ring ${outer.ring} does not contain ring ${inner.ring}: ${missing.length} of ${sample.length} sampled members (${missing.join(', ')}) are not in it. ` +
          `Those users would lose the feature when the rollout moves on.`,
      );
    }
  }
  return warnings;
}

export function preflightActivity(input: unknown): Promise<ActivityResult<PreflightResult>> {
  return settle(() => preflightMeasured(parseActivityInput('preflightActivity', preflightInput, input)));
}

async function preflightMeasured(request: PreflightInput): Promise<PreflightResult> {
  const { graph, telemetry } = await services();
  const result = await preflight(graph, request);
  const outcome = result.enforcedByMicrosoft ? 'enforced by Microsoft' : result.errors.length > 0 ? result.errors.join(' ') : 'ready';
  telemetry.event(
    'Preflight.Completed',
    { rolloutId: request.rolloutId, feature: request.plan.feature, shape: result.shape, reason: outcome, ...(result.enabledTargetBefore ? { target: result.enabledTargetBefore } : {}) },
    { rings: result.rings.length, errors: result.errors.length, warnings: result.warnings.length },
  );
  return result;
}
