import type { DurableClient } from 'durable-functions';
import { featureStatus } from '../../policy';
import type { AuthenticatorConfig, Feature } from '../../policy/types';
import { approvalReminderCard, digestCard, type CardMessage } from '../../teams/cards';
import type { Telemetry } from '../../telemetry';
import { EVENTS } from '../names';
import { FINAL_STATUSES, type Actor, type DriftEvent, type HistoryEventName, type RolloutStatus } from '../types';
import { listRollouts } from './list';

/**
 * The scheduled status timer: per tick, one read of the policy for all rollouts, drift detection, approval reminders
 * and an optional digest. Bounded work however many rollouts exist.
 */

export const MAX_ROLLOUTS_PER_TICK = 50;
const TIMER: Actor = { name: 'status timer', via: 'timer' };
/** Writes in flight: the status lags the tenant for a moment, which is not drift. */
const WRITING_EVENTS: ReadonlySet<HistoryEventName> = new Set(['Ring.Enabling', 'Rollback.Started']);

export interface WatchDeps {
  client: DurableClient;
  /** The policy, read as `feature` needs it (the companion app setting is only in beta). */
  readConfig(feature?: Feature): Promise<AuthenticatorConfig>;
  notify(card: CardMessage): Promise<unknown>;
  telemetry: Pick<Telemetry, 'event'>;
  now: Date;
  digest: boolean;
}

export interface TickReport {
  active: number;
  drifted: string[];
  reminded: string[];
  digestSent: boolean;
}

export async function statusTick(deps: WatchDeps): Promise<TickReport> {
  const report: TickReport = { active: 0, drifted: [], reminded: [], digestSent: false };
  const active = (await listRollouts(deps.client, { activeOnly: true, now: deps.now })).filter((r) => !FINAL_STATUSES.has(r.status)).slice(0, MAX_ROLLOUTS_PER_TICK);
  report.active = active.length;
  if (active.length === 0) return report;

  // One read for every rollout: beta shows every feature, so it serves them all when a companion app rollout is active.
  const config = await deps.readConfig(active.some((r) => r.feature === 'companionApp') ? 'companionApp' : undefined);
  for (const rollout of active) {
    const drift = driftOf(rollout, config);
    if (drift) {
      await deps.client.raiseEvent(rollout.id, EVENTS.drift, drift);
      deps.telemetry.event('Drift.Detected', { rolloutId: rollout.id, feature: rollout.feature, reason: drift.changes.join('; '), actor: TIMER.name });
      report.drifted.push(rollout.id);
    }
    if (needsReminder(rollout, deps.now) && rollout.approval) {
      await deps.notify(
        approvalReminderCard({ rolloutId: rollout.id, feature: rollout.feature, ring: rollout.approval.ring, deadline: rollout.approval.deadline, now: deps.now, onTimeout: rollout.approval.onTimeout }),
      );
      await deps.client.raiseEvent(rollout.id, EVENTS.reminderSent, { actor: TIMER, ring: rollout.approval.ring });
      deps.telemetry.event('Approval.Reminded', { rolloutId: rollout.id, feature: rollout.feature, ring: rollout.approval.ring });
      report.reminded.push(rollout.id);
    }
  }
  if (deps.digest) {
    await deps.notify(
      digestCard({
        at: deps.now,
        rollouts: active.map((r) => ({
          rolloutId: r.id,
          feature: r.feature,
          status: r.status,
          currentRing: r.currentRing,
          enabledTarget: r.enabledTarget,
          nextCheckpointAt: r.nextCheckpointAt,
        })),
      }),
    );
    report.digestSent = true;
  }
  return report;
}

/** The tenant no longer shows the target the rollout last enabled (and no write of the rollout is in flight). */
export function driftOf(rollout: RolloutStatus, config: AuthenticatorConfig): DriftEvent | undefined {
  if (rollout.status !== 'Running' && rollout.status !== 'AwaitingApproval') return undefined;
  const last = rollout.history[rollout.history.length - 1];
  if (!rollout.currentRing || (last && WRITING_EVENTS.has(last.event))) return undefined;
  const live = featureStatus(config, rollout.feature);
  if (live.enabledTarget === rollout.enabledTarget) return undefined;
  return {
    actor: TIMER,
    observedTarget: live.enabledTarget,
    changes: [
      `${rollout.feature} is ${live.enabledTarget ? `enabled for ${live.enabledTarget}` : `not enabled for anyone (state ${live.state})`}, ` +
        `but the rollout last enabled it for ${rollout.enabledTarget ?? 'nobody'}`,
    ],
  };
}

/** An approval with less than a quarter of its timeout left, not yet reminded. */
export function needsReminder(rollout: RolloutStatus, now: Date): boolean {
  if (rollout.status !== 'AwaitingApproval' || !rollout.approval || rollout.approval.remindedAt) return false;
  const requested = Date.parse(rollout.approval.requestedAt);
  const deadline = Date.parse(rollout.approval.deadline);
  return deadline - now.getTime() < (deadline - requested) / 4 && now.getTime() < deadline;
}
