import type { OrchestrationContext } from 'durable-functions';
import type { Actor, HistoryEventName, RolloutInput, RolloutStatus, RolloutStatusName } from '../types';

/** The history kept in the status: the first entry (who started it) and the newest ones. */
const MAX_HISTORY = 200;

/**
 * The rollout's public status (the orchestration's custom status), kept in one place: every change of phase goes
 * through `transition` (phase, message and a history entry) or `record` (a history entry that keeps the message),
 * and each is published at once.
 */
export class StatusBook {
  readonly status: RolloutStatus;

  constructor(
    private readonly context: OrchestrationContext,
    input: RolloutInput,
  ) {
    this.status = {
      id: input.rolloutId,
      feature: input.plan.feature,
      status: 'Pending',
      currentRing: null,
      enabledTarget: null,
      nextCheckpointAt: null,
      health: null,
      message: `Waiting for the ${input.plan.feature} lock`,
      history: [],
      startedBy: input.startedBy,
      warnings: [],
    };
  }

  private get now(): Date {
    return this.context.df.currentUtcDateTime;
  }

  /** A new phase with the message that says why. */
  transition(status: RolloutStatusName, event: HistoryEventName, message: string, extra: { ring?: string; actor?: Actor } = {}): void {
    this.status.message = message;
    this.record(status, event, message, extra);
  }

  /** A history entry; the message stays what the phase said. */
  record(status: RolloutStatusName, event: HistoryEventName, message: string, extra: { ring?: string; actor?: Actor } = {}): void {
    this.status.status = status;
    this.status.history.push({ at: this.now.toISOString(), status, event, message, ...extra });
    if (this.status.history.length > MAX_HISTORY) this.status.history.splice(1, this.status.history.length - MAX_HISTORY);
    this.publish();
  }

  paused(event: 'Rollout.Paused' | 'Drift.Detected', reason: string, by: Actor): void {
    this.status.pause = { reason, since: this.now.toISOString(), by };
    this.transition('Paused', event, reason, { actor: by });
  }

  resumed(status: RolloutStatusName, message: string, by: Actor): void {
    delete this.status.pause;
    this.transition(status, 'Rollout.Resumed', message, { actor: by });
  }

  publish(): void {
    this.context.df.setCustomStatus(this.status);
  }
}
