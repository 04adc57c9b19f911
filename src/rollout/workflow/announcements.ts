import { healthRuleOf, type RolloutPlan } from '../../plan';
import type { CardModel, RolloutRef } from '../../teams/cards';
import type { RolloutEventName } from '../../telemetry/types';
import type { Actor, Announcement, RingPreflight, RolloutStatus } from '../types';

/**
 * What each announcement says: the telemetry event's properties and, for the decisions people should know about, the
 * model of its Teams card, built from the plan and the status here so that the activity receives only what it sends.
 */

export type CardKind = CardModel['kind'];

export interface AnnouncementDetails {
  ring?: string;
  target?: string;
  actor?: Actor;
  reason?: string;
  measurements?: Record<string, number>;
  /** Preflight figures per ring, for the started card. */
  rings?: RingPreflight[];
  rollback?: { restored: string; verified: boolean };
  /** Drift: the target the tenant showed instead of the rollout's. */
  observedTarget?: string | null;
}

export interface AnnouncementSource {
  plan: RolloutPlan;
  status: RolloutStatus;
  statusUrl?: string;
}

export function announcement(source: AnnouncementSource, event: RolloutEventName, card: CardKind | undefined, details: AnnouncementDetails): Announcement {
  const { status } = source;
  const a: Announcement = { event, rolloutId: status.id, feature: status.feature, status: status.status };
  if (details.ring) a.ring = details.ring;
  if (details.target) a.target = details.target;
  if (details.actor) a.actor = details.actor;
  if (details.reason) a.reason = details.reason;
  if (details.measurements) a.measurements = details.measurements;
  if (card) a.card = cardModel(source, card, details);
  return a;
}

function cardModel({ plan, status, statusUrl }: AnnouncementSource, kind: CardKind, d: AnnouncementDetails): CardModel {
  const ref: RolloutRef = { rolloutId: status.id, feature: status.feature, ...(statusUrl ? { statusUrl } : {}) };
  const ringIndex = plan.rings.findIndex((r) => r.name === (d.ring ?? status.currentRing));
  const ring = ringIndex >= 0 ? plan.rings[ringIndex] : undefined;
  const next = plan.rings[ringIndex + 1];
  // The ring the card is about, as every ring card names it.
  const about = { ring: ring?.name ?? '?', target: ring?.target ?? '?', soak: ring?.soak ?? '' };
  switch (kind) {
    case 'started':
      return {
        kind,
        model: {
          ...ref,
          startedBy: status.startedBy.name,
          rings: plan.rings.map((r) => {
            const found = d.rings?.find((p) => p.ring === r.name);
            return { name: r.name, target: r.target, soak: r.soak, approval: r.approval, ...(found ? { members: found.members, pushRegistered: found.pushRegistered } : {}) };
          }),
          ...(status.shape ? { shape: status.shape } : {}),
          approvalTimeout: plan.approvalTimeout,
          onApprovalTimeout: plan.onApprovalTimeout,
          ...pick(healthRuleOf(plan.health), 'maxFailureRate', 'minSignIns', 'maxIncrease', 'falseRollbackRate'),
          rollback: plan.rollback,
          enabledTargetBefore: status.enabledTarget,
          warnings: status.warnings,
        },
      };
    case 'ringEnabled':
      return {
        kind,
        model: {
          ...ref,
          ...about,
          position: ringIndex + 1,
          ringCount: plan.rings.length,
          nextCheckpointAt: status.nextCheckpointAt,
        },
      };
    case 'approvalNeeded':
      return {
        kind,
        model: {
          ...ref,
          ...about,
          health: status.health
            ? {
                signIns: status.health.signIns,
                failures: status.health.failures,
                failureRate: status.health.failureRate,
                maxFailureRate: plan.health.maxFailureRate,
                minSignIns: plan.health.minSignIns,
                state: status.health.state,
                baseline: status.health.baseline,
                lowerBound: status.health.lowerBound,
                threshold: status.health.threshold,
                reasons: status.health.reasons,
              }
            : null,
          deadline: status.approval?.deadline ?? '',
          onTimeout: plan.onApprovalTimeout,
          ...(next ? { next: { ring: next.name, target: next.target } } : {}),
          ...(status.shape ? { shape: status.shape } : {}),
        },
      };
    case 'approvalDecided': {
      const approved = d.reason === 'approved';
      return {
        kind,
        model: {
          ...ref,
          ring: about.ring,
          approved,
          by: d.actor?.name ?? 'unknown',
          ...(!approved && d.reason ? { reason: d.reason.replace(/^rejected:?\s*/, '') } : {}),
          ...(approved && next ? { nextRing: next.name } : {}),
        },
      };
    }
    case 'rollback':
      return {
        kind,
        model: {
          ...ref,
          reason: d.reason ?? status.message,
          ...(d.actor ? { by: d.actor.name } : {}),
          mode: plan.rollback,
          restored: d.rollback?.restored ?? '',
          verified: d.rollback?.verified ?? false,
          enabledTarget: status.enabledTarget,
        },
      };
    case 'completed':
      return {
        kind,
        model: {
          ...ref,
          target: status.enabledTarget,
          rings: plan.rings.map((r) => r.name),
          startedBy: status.startedBy.name,
          ...(status.history[0] ? { startedAt: status.history[0].at } : {}),
          ...(status.status === 'Completed' ? { completedAt: status.history[status.history.length - 1]?.at ?? '' } : {}),
          ...(d.reason ? { note: status.message } : {}),
        },
      };
    case 'drift':
      return {
        kind,
        model: {
          ...ref,
          changes: [status.message],
          expectedTarget: status.enabledTarget,
          observedTarget: d.observedTarget ?? null,
          action: 'is paused',
        },
      };
    case 'paused':
      return { kind, model: { ...ref, by: d.actor?.name ?? 'authenticator-rollout', reason: d.reason ?? status.message } };
    case 'failed':
      return { kind, model: { ...ref, error: status.message, enabledTarget: status.enabledTarget } };
  }
}

function pick<T extends object, K extends keyof T>(from: T, ...keys: K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) picked[key] = from[key];
  return picked;
}
