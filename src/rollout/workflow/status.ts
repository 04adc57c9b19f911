import type { OrchestrationContext } from 'durable-functions';
import type { Actor, HealthFigures, HealthPoint, HistoryEventName, RolloutInput, RolloutStatus, RolloutStatusName } from '../types';

/**
 * Durable Functions keeps at most 16 KB of UTF-16 JSON as a custom status (8,192 characters): the status stays below
 * this many characters, by keeping the first history entry (who started it) and as many of the newest as fit.
 */
export const MAX_STATUS_CHARS = 7_000;
/** What the status keeps of long lists that are not history. */
const MAX_WARNINGS = 12;
const MAX_TEXT = 1_000;
/** Health checks kept as the trend the consoles draw. */
const MAX_SERIES = 12;
/** What the trend keeps before the history gives way. */
const MIN_SERIES = 6;

/**
 * The rollout's public status (the orchestration's custom status), kept in one place: every change of phase goes
 * through `transition` (phase, message and a history entry) or `record` (a history entry that keeps the message),
 * and each is published at once.
 */
export class StatusBook {
  readonly status: RolloutStatus;
  private nextSeq = 0;

  constructor(
    private readonly context: OrchestrationContext,
    input: RolloutInput,
  ) {
    if (input.resume) {
      // A continued execution: the status goes on where the previous one left it.
      this.status = input.resume.status;
      this.nextSeq = (this.status.history.at(-1)?.seq ?? -1) + 1;
      return;
    }
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
      plan: {
        rings: input.plan.rings.map((r) => ({ name: r.name, target: r.target, soak: r.soak, approval: r.approval })),
        health: { maxFailureRate: input.plan.health.maxFailureRate, minSignIns: input.plan.health.minSignIns, interval: input.plan.health.interval },
        approvalTimeout: input.plan.approvalTimeout,
      },
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
    this.status.history.push({ seq: this.nextSeq++, at: this.now.toISOString(), status, event, message: shorten(message), ...extra });
    this.publish();
  }

  /** A health check, as a point of the ring's trend: the newest MAX_SERIES are kept. */
  checked(figures: HealthFigures): void {
    this.status.health = figures;
    const point: HealthPoint = { ring: figures.ring, at: this.now.toISOString(), rate: round(figures.failureRate), bound: round(figures.threshold), signIns: figures.signIns, judged: figures.judged, breached: figures.breached };
    if (figures.baseline !== null) point.baseline = round(figures.baseline);
    this.status.healthSeries = [...(this.status.healthSeries ?? []), point].slice(-MAX_SERIES);
    this.publish();
  }

  /** Preflight's warnings, kept to a size the status can carry. */
  warn(warnings: string[]): void {
    const kept = warnings.slice(0, MAX_WARNINGS).map(shorten);
    if (warnings.length > MAX_WARNINGS) kept.push(`...and ${warnings.length - MAX_WARNINGS} more warnings`);
    this.status.warnings = kept;
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
    this.fit();
    this.context.df.setCustomStatus(this.status);
  }

  private fit(): void {
    // The trend gives way first, down to a few points; then the oldest history; then the rest of the trend.
    const series = this.status.healthSeries;
    while (series && series.length > MIN_SERIES && JSON.stringify(this.status).length > MAX_STATUS_CHARS) series.shift();
    const history = this.status.history;
    let size = JSON.stringify(this.status).length;
    while (size > MAX_STATUS_CHARS && history.length > 2) {
      const [dropped] = history.splice(1, 1);
      this.status.historyOmitted = (this.status.historyOmitted ?? 0) + 1;
      size -= dropped ? JSON.stringify(dropped).length : 0;
    }
    while (series && series.length > 1 && JSON.stringify(this.status).length > MAX_STATUS_CHARS) series.shift();
  }
}

function shorten(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 3)}...`;
}

/** Four decimals are enough for a rate people read as a percentage with one decimal. */
function round(rate: number): number {
  return Math.round(rate * 10_000) / 10_000;
}
