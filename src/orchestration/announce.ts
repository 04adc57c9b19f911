import {
  approvalDecidedCard,
  approvalNeededCard,
  completedCard,
  driftCard,
  failedCard,
  pausedCard,
  ringEnabledCard,
  rollbackCard,
  rolloutStartedCard,
  type CardMessage,
} from '../teams/cards';
import type { Announcement } from './types';

/** The Teams card for an announcement, built from the rollout's status and plan. */
export function cardFor(a: Announcement): CardMessage | undefined {
  const ref = { rolloutId: a.rolloutId, feature: a.feature, ...(a.statusUrl ? { statusUrl: a.statusUrl } : {}) };
  const { plan, status } = a;
  const ringIndex = plan.rings.findIndex((r) => r.name === (a.ring ?? status.currentRing));
  const ring = ringIndex >= 0 ? plan.rings[ringIndex] : undefined;
  switch (a.card) {
    case 'started':
      return rolloutStartedCard({
        ...ref,
        startedBy: status.startedBy.name,
        rings: plan.rings.map((r) => {
          const found = a.rings?.find((p) => p.ring === r.name);
          return { name: r.name, target: r.target, soak: r.soak, approval: r.approval, ...(found ? { members: found.members, pushRegistered: found.pushRegistered } : {}) };
        }),
        ...(status.shape ? { shape: status.shape } : {}),
        approvalTimeout: plan.approvalTimeout,
        onApprovalTimeout: plan.onApprovalTimeout,
        maxFailureRate: plan.health.maxFailureRate,
        minSignIns: plan.health.minSignIns,
        rollback: plan.rollback,
        enabledTargetBefore: status.enabledTarget,
        warnings: status.warnings,
      });
    case 'ringEnabled':
      return ringEnabledCard({
        ...ref,
        ring: ring?.name ?? '?',
        target: ring?.target ?? '?',
        position: ringIndex + 1,
        ringCount: plan.rings.length,
        soak: ring?.soak ?? '',
        nextCheckpointAt: status.nextCheckpointAt,
      });
    case 'approvalNeeded': {
      const next = plan.rings[ringIndex + 1];
      return approvalNeededCard({
        ...ref,
        ring: ring?.name ?? '?',
        target: ring?.target ?? '?',
        soak: ring?.soak ?? '',
        health: status.health
          ? { ...status.health, maxFailureRate: plan.health.maxFailureRate, minSignIns: plan.health.minSignIns }
          : null,
        deadline: status.approval?.deadline ?? '',
        onTimeout: plan.onApprovalTimeout,
        ...(next ? { next: { ring: next.name, target: next.target } } : {}),
        ...(status.shape ? { shape: status.shape } : {}),
      });
    }
    case 'approvalDecided': {
      const next = plan.rings[ringIndex + 1];
      const approved = a.reason === 'approved';
      return approvalDecidedCard({
        ...ref,
        ring: ring?.name ?? '?',
        approved,
        by: a.actor?.name ?? 'unknown',
        ...(!approved && a.reason ? { reason: a.reason.replace(/^rejected:?\s*/, '') } : {}),
        ...(approved && next ? { nextRing: next.name } : {}),
      });
    }
    case 'rollback':
      return rollbackCard({
        ...ref,
        reason: a.reason ?? status.message,
        ...(a.actor ? { by: a.actor.name } : {}),
        mode: plan.rollback,
        restored: a.rollback?.restored ?? '',
        verified: a.rollback?.verified ?? false,
        enabledTarget: status.enabledTarget,
      });
    case 'completed':
      return completedCard({
        ...ref,
        target: status.enabledTarget,
        rings: plan.rings.map((r) => r.name),
        startedBy: status.startedBy.name,
        ...(status.history[0] ? { startedAt: status.history[0].at } : {}),
        ...(status.status === 'Completed' ? { completedAt: status.history[status.history.length - 1]?.at ?? '' } : {}),
        ...(a.reason ? { note: status.message } : {}),
      });
    case 'drift':
      return driftCard({
        ...ref,
        changes: [status.message],
        expectedTarget: status.enabledTarget,
        observedTarget: null,
        action: 'The rollout is paused. Check the change, then resume or abort.',
      });
    case 'paused':
      return pausedCard({ ...ref, by: a.actor?.name ?? 'authenticator-rollout', reason: a.reason ?? status.message });
    case 'failed':
      return failedCard({ ...ref, error: status.message, enabledTarget: status.enabledTarget, manualSteps: [] });
    default:
      return undefined;
  }
}
