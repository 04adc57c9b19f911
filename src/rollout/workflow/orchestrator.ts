import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import { addTotals, emptyTally, emptyTotals, firstSegment, type PushTotals } from '../../health';
import { durationMs, formatSeconds, healthRuleOf, type Ring, type RolloutPlan } from '../../plan';
import type { RolloutEventName } from '../../telemetry/types';
import { ACTIVITIES, EVENTS, FEATURE_LOCK_ENTITY, REPORTS_BUDGET_ENTITY } from '../names';
import { announcement, type AnnouncementDetails, type CardKind } from './announcements';
import { EventInbox } from './inbox';
import { manualRollbackInstructions } from './manual-rollback';
import { StatusBook } from './status';
import type {
  ActivityResult,
  Actor,
  ControlEvent,
  DriftEvent,
  EnableRingInput,
  HealthCheckInput,
  HealthCheckResult,
  HealthProgress,
  PreflightResult,
  RollbackInput,
  RollbackResult,
  RolloutInput,
  RolloutOutput,
  RolloutResume,
  RolloutStatus,
  RolloutStatusName,
  WriteResult,
} from '../types';
import { DEFAULT_SIGNIN_LAG } from '../types';

/**
 * The rollout orchestration. Deterministic: time is `currentUtcDateTime`, every Graph, Teams and telemetry call is an
 * activity, and nothing here reads the environment. Its custom status is the rollout's public status.
 */

const PRODUCT: Actor = { name: 'authenticator-rollout', via: 'rollout' };

/**
 * An execution continues as new at each ring's soak, at least once a day, and after this many waits: each wait is
 * about twelve history events (the timer, the turn of the report budget, the check), so no execution's history passes
 * about a thousand events and replays stay cheap.
 */
const MAX_WAITS_PER_EXECUTION = 75;
const DAY_MS = 86_400_000;
const ALL_EVENTS = Object.values(EVENTS);

/** What abort, pause and drift interrupt: every wait, activity and backoff of the rollout races them. */
const CONTROL_EVENTS = [EVENTS.abort, EVENTS.pause, EVENTS.drift] as const;

/**
 * Retries of Graph work, made by the rollout itself with durable timers raced against the control events, so that an
 * abort is never stuck behind a backoff. A failure that cannot heal (403, 404, a bad request) is not retried.
 */
export interface RetryPolicy {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}
export const GRAPH_RETRY: RetryPolicy = { attempts: 4, firstDelayMs: 5_000, maxDelayMs: 5 * 60_000 };
/** Rollback tries harder: it is the way back to a known state. */
export const ROLLBACK_RETRY: RetryPolicy = { attempts: 6, firstDelayMs: 10_000, maxDelayMs: 5 * 60_000 };

function backoffMs(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.firstDelayMs * 2 ** (failedAttempt - 1), policy.maxDelayMs);
}

type StepOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'failed'; error: string; attempts: number }
  /** A control event arrived; it is left in the inbox for the caller's next wait. */
  | { kind: 'interrupted' };

interface StepOptions {
  retry: RetryPolicy;
  /**
   * A write is never abandoned half-way: the rollback that may follow reads the tenant, and must not race a PATCH
   * still in flight. Control events that arrive meanwhile are acted on right after it.
   */
  write?: boolean;
  /** The rollback: runs to its end whatever arrives (events stay unread). */
  uninterruptible?: boolean;
  /** Called before each backoff, to say in the status what failed and when the next attempt is. */
  onRetry?: (failedAttempt: number, error: string, nextAttemptAt: Date) => void;
}

type RollbackOutcome = { kind: 'rollback'; reason: string; actor: Actor; breachAt?: Date };
type Outcome = { kind: 'continue' } | RollbackOutcome;
/** The rollout continued as new: this execution stops here, the next one goes on. */
type Continued = { kind: 'continued' };
const CONTINUED: Continued = { kind: 'continued' };
type SoakState = { enabledAt: Date; soakEndMs: number; nextCheckMs: number; progress: HealthProgress };
/** After a control event: roll back, or go on having been paused for `pausedMs` (0 when not paused). */
type ControlOutcome = RollbackOutcome | { kind: 'continue'; pausedMs: number };
const CONTINUE: Outcome = { kind: 'continue' };

type Wakeup = { kind: 'timer' } | { kind: 'event'; name: string; payload: unknown };
const INTERRUPTED = Symbol('interrupted');

export function* rolloutOrchestrator(context: OrchestrationContext): Generator<Task, RolloutOutput, unknown> {
  const input = context.df.getInput<RolloutInput>();
  return yield* new RolloutRun(context, input).execute();
}

class RolloutRun {
  private readonly plan: RolloutPlan;
  private readonly inbox: EventInbox;
  private readonly book: StatusBook;
  private readonly lockId: df.EntityId;
  private snapshot: PreflightResult['snapshot'] | undefined;
  /** Set when the first swap is sent: from then on, ending early means rolling back. */
  private writeStarted = false;
  /** The control's push outcomes during the soaks so far: the baseline of the all_users ring. */
  private controlSoFar: PushTotals = emptyTotals();
  /** Report requests the last health check sent: what the next one reserves. */
  private expectedReportRequests = 1;
  /** Waits in this execution, and when it started: when to continue as new. */
  private waits = 0;
  private readonly executionStartedMs: number;

  constructor(
    private readonly context: OrchestrationContext,
    private readonly input: RolloutInput,
  ) {
    this.plan = input.plan;
    this.inbox = new EventInbox(context);
    this.lockId = new df.EntityId(FEATURE_LOCK_ENTITY, input.plan.feature);
    this.book = new StatusBook(context, input);
    this.executionStartedMs = context.df.currentUtcDateTime.getTime();
  }

  private get status(): RolloutStatus {
    return this.book.status;
  }

  private get now(): Date {
    return this.context.df.currentUtcDateTime;
  }

  *execute(): Generator<Task, RolloutOutput, unknown> {
    this.book.publish();
    const resume = this.input.resume;
    if (resume) {
      this.snapshot = resume.snapshot;
      this.writeStarted = true;
      this.controlSoFar = resume.controlSoFar;
      const outcome = yield* this.ringsFrom(resume.ringIndex, resume.phase);
      return yield* this.conclude(outcome);
    }
    const lock = (yield this.context.df.callEntity(this.lockId, 'acquire', {
      rolloutId: this.input.rolloutId,
      replaceStaleHolder: this.input.replaceStaleHolder,
    })) as { holder: string };
    if (lock.holder !== this.input.rolloutId) {
      this.status.activeRolloutId = lock.holder;
      this.book.transition('Failed', 'Rollout.Refused', `Refused: rollout ${lock.holder} is already active for ${this.plan.feature}. Nothing was changed.`, {
        actor: this.input.startedBy,
      });
      return this.output();
    }

    this.book.transition('Running', 'Rollout.Started', `Started by ${this.input.startedBy.name}; running preflight`, { actor: this.input.startedBy });
    return yield* this.conclude(yield* this.walkRings());
  }

  private *conclude(outcome: 'ended' | RollbackOutcome | Continued): Generator<Task, RolloutOutput, unknown> {
    if (outcome === 'ended') return this.finish();
    // The next execution carries on; this one's output is discarded.
    if (outcome.kind === 'continued') return this.output();
    return yield* this.rollback(outcome.reason, outcome.actor, outcome.breachAt);
  }

  /** Returns 'ended' when the rollout reached a final status by itself, or the reason to roll back. */
  private *walkRings(): Generator<Task, 'ended' | RollbackOutcome | Continued, unknown> {
    let preflight: PreflightResult | undefined;
    while (!preflight) {
      const step = yield* this.step<PreflightResult>(ACTIVITIES.preflight, { rolloutId: this.input.rolloutId, plan: this.plan }, { retry: GRAPH_RETRY });
      if (step.kind === 'failed') {
        this.book.transition('Failed', 'Rollout.Failed', `Preflight could not read the tenant: ${step.error}. Nothing was changed.`);
        yield* this.announce('Rollout.Failed', 'failed', { reason: step.error });
        return 'ended';
      }
      if (step.kind === 'done') preflight = step.value;
      else {
        const control = yield* this.takeControl(undefined);
        if (control?.kind === 'rollback') return control;
      }
    }
    this.snapshot = preflight.snapshot;
    if (preflight.lookback) this.controlSoFar = preflight.lookback;
    this.status.shape = preflight.shape;
    this.status.enabledTarget = preflight.enabledTargetBefore;
    this.book.warn(preflight.warnings);
    this.status.rings = preflight.rings;

    if (preflight.enforcedByMicrosoft) {
      this.book.transition(
        'Completed',
        'Rollout.Completed',
        'Number matching is already enforced by Microsoft for every Authenticator push notification (since 8 May 2023); there is nothing to roll out and nothing was changed.',
      );
      yield* this.announce('Rollout.Completed', 'completed', { reason: 'enforced by Microsoft' });
      return 'ended';
    }
    if (preflight.errors.length > 0) {
      this.book.transition('Failed', 'Rollout.Failed', `Preflight found problems; nothing was changed: ${preflight.errors.join(' ')}`);
      yield* this.announce('Rollout.Failed', 'failed', { reason: preflight.errors.join(' ') });
      return 'ended';
    }
    yield* this.announce('Rollout.Started', 'started', {
      rings: preflight.rings,
      measurements: { rings: this.plan.rings.length, warnings: preflight.warnings.length },
    });

    return yield* this.ringsFrom(0, undefined);
  }

  /** The rings from `first` on; `resumed` says where in the first of them a continued execution picks up. */
  private *ringsFrom(first: number, resumed: RolloutResume['phase'] | undefined): Generator<Task, 'ended' | RollbackOutcome | Continued, unknown> {
    let soakMinutes = 0;
    for (let index = first; index < this.plan.rings.length; index++) {
      const ring = this.plan.rings[index];
      if (!ring) break;
      const phase = index === first ? resumed : undefined;
      if (phase?.kind === 'checkpoint') soakMinutes = phase.soakMinutes;
      else {
        let state: SoakState;
        if (phase) state = { enabledAt: new Date(phase.enabledAt), soakEndMs: phase.soakEndMs, nextCheckMs: phase.nextCheckMs, progress: phase.progress };
        else {
          const enabled = yield* this.enableRing(ring);
          if (enabled.kind === 'rollback') return enabled;
          state = this.freshSoak(ring);
        }
        const soaked = yield* this.soak(ring, index, state, !phase);
        if (soaked.kind !== 'continue') return soaked;
        soakMinutes = (this.now.getTime() - state.enabledAt.getTime()) / 60_000;
      }
      if (ring.approval) {
        const approved = yield* this.checkpoint(ring, index, soakMinutes, phase?.kind === 'checkpoint' ? phase : undefined);
        if (approved.kind !== 'continue') return approved;
      }
    }

    const last = this.plan.rings[this.plan.rings.length - 1];
    this.status.nextCheckpointAt = null;
    this.book.transition('Completed', 'Rollout.Completed', `Completed: ${this.plan.feature} is enabled for ${last?.target ?? 'all_users'}`);
    yield* this.announce('Rollout.Completed', 'completed', { ring: last?.name, target: last?.target, measurements: { soakMinutes } });
    return 'ended';
  }

  private *enableRing(ring: Ring): Generator<Task, Outcome, unknown> {
    // Abort or pause sent while the previous step ran are acted on before this ring is enabled.
    const before = yield* this.takeControl(this.previousRing(ring));
    if (before?.kind === 'rollback') return before;
    this.status.currentRing = ring.name;
    this.status.health = null;
    this.book.transition('Running', 'Ring.Enabling', `Enabling ${this.plan.feature} for ring ${ring.name} (${ring.target})`, { ring: ring.name });
    const swapped = yield* this.swap(ring, `enabling ring ${ring.name}`);
    if (swapped.kind === 'rollback') return swapped;
    const { result } = swapped;
    this.book.transition('Running', 'Ring.Enabled', `Ring ${ring.name} enabled and verified (${sentence(result.summary)}); soaking for ${ring.soak}`, { ring: ring.name });
    yield* this.announce('Ring.Enabled', 'ringEnabled', { ring: ring.name, target: ring.target });
    return CONTINUE;
  }

  /**
   * Soak with periodic health checks; a breach rolls back at once. Pause holds the soak clock. Each check counts the
   * sign-ins up to its time less the log's lag, so the last check comes one lag after the soak's end and counts up to it.
   */
  private freshSoak(ring: Ring): SoakState {
    const enabledAt = this.now;
    const soakEndMs = enabledAt.getTime() + durationMs(ring.soak);
    return { enabledAt, soakEndMs, nextCheckMs: Math.min(enabledAt.getTime() + durationMs(this.plan.health.interval), soakEndMs + this.lagMs), progress: { tally: emptyTally(), segment: firstSegment() } };
  }

  private get lagMs(): number {
    // Rollouts started before the settings were carried in the input use the default.
    return this.input.settings?.signInLagMs ?? durationMs(DEFAULT_SIGNIN_LAG);
  }

  private *soak(ring: Ring, index: number, state: SoakState, fresh: boolean): Generator<Task, Outcome | Continued, unknown> {
    const intervalMs = durationMs(this.plan.health.interval);
    const lagMs = this.lagMs;
    const { enabledAt } = state;
    let { soakEndMs: soakEnd, nextCheckMs: nextCheck, progress } = state;
    let ringStart = fresh;
    for (;;) {
      this.status.soak = { ring: ring.name, startedAt: enabledAt.toISOString(), endsAt: new Date(soakEnd).toISOString() };
      this.status.nextCheckpointAt = new Date(nextCheck).toISOString();
      this.book.publish();
      if (this.timeToContinue(ringStart)) {
        this.continueAsNew(index, { kind: 'soak', enabledAt: enabledAt.toISOString(), soakEndMs: soakEnd, nextCheckMs: nextCheck, progress });
        return CONTINUED;
      }
      ringStart = false;
      const wake = yield* this.wait(new Date(nextCheck), CONTROL_EVENTS);
      if (wake.kind === 'timer') {
        // The tenant's report budget is shared by every rollout on every instance: take a turn before reading.
        if ((yield* this.reportsTurn()) === INTERRUPTED) continue;
        const until = new Date(Math.min(this.now.getTime() - lagMs, soakEnd));
        const checkStarted = this.now.getTime();
        const health = yield* this.checkHealth(ring, enabledAt, until, lagMs, progress);
        const tookMs = this.now.getTime() - checkStarted;
        // Checks never pile up (the next one is timed from the end of this one), but a slow one must be visible.
        if (tookMs > intervalMs) {
          this.book.record(this.status.status, 'Health.Slow', `The health check of ring ${ring.name} took ${formatSeconds(tookMs / 1000)}, longer than its interval ${this.plan.health.interval}: the tenant's report budget is busy (Graph allows 5 requests per 10 s)`, { ring: ring.name });
        }
        if (health.kind === 'rollback') return health;
        if (health.kind === 'checked') {
          progress = health.progress;
          this.expectedReportRequests = health.reportRequests;
        }
        if (health.kind === 'checked' && until.getTime() >= soakEnd) {
          this.status.soak = null;
          this.controlSoFar = addTotals(this.controlSoFar, progress.tally.control);
          return CONTINUE;
        }
        nextCheck = Math.min(this.now.getTime() + intervalMs, soakEnd + lagMs);
        continue;
      }
      const control = yield* this.handleControl(wake, ring);
      if (control.kind === 'rollback') return control;
      if (control.pausedMs > 0) {
        soakEnd += control.pausedMs;
        nextCheck = Math.min(this.now.getTime() + intervalMs, soakEnd + lagMs);
      }
    }
  }

  /** Reserves the next check's report requests; waits for the turn it is given unless abort, pause or drift comes first. */
  private *reportsTurn(): Generator<Task, void | typeof INTERRUPTED, unknown> {
    const budget = new df.EntityId(REPORTS_BUDGET_ENTITY, 'tenant');
    const turn = (yield this.context.df.callEntity(budget, 'reserve', { requests: this.expectedReportRequests, nowMs: this.now.getTime() })) as { startMs: number };
    if (turn.startMs <= this.now.getTime()) return;
    const timer = this.context.df.createTimer(new Date(turn.startMs));
    if ((yield* this.raceControl(timer)) === INTERRUPTED) {
      if (!timer.isCompleted) timer.cancel();
      return INTERRUPTED;
    }
  }

  /**
   * At a point where nothing is in flight: continue as new when a ring's soak starts, after a day, or when this
   * execution has waited many times. Never with an event delivered and not yet acted on: it would be lost.
   */
  private timeToContinue(ringStart: boolean): boolean {
    const due = ringStart || this.waits >= MAX_WAITS_PER_EXECUTION || this.now.getTime() - this.executionStartedMs >= DAY_MS;
    return due && this.snapshot !== undefined && !this.inbox.delivered(ALL_EVENTS);
  }

  private continueAsNew(ringIndex: number, phase: RolloutResume['phase']): void {
    if (!this.snapshot) return;
    const resume: RolloutResume = { status: this.status, snapshot: this.snapshot, ringIndex, phase, controlSoFar: this.controlSoFar };
    this.book.publish();
    this.context.df.continueAsNew({ ...this.input, resume });
  }

  private *checkHealth(
    ring: Ring,
    since: Date,
    until: Date,
    lagMs: number,
    progress: HealthProgress,
  ): Generator<Task, RollbackOutcome | { kind: 'checked'; progress: HealthProgress; reportRequests: number } | { kind: 'interrupted' }, unknown> {
    const request: HealthCheckInput = {
      rolloutId: this.input.rolloutId,
      feature: this.plan.feature,
      ring: ring.name,
      target: ring.target,
      since: since.toISOString(),
      until: new Date(Math.max(until.getTime(), since.getTime())).toISOString(),
      overlapMs: lagMs,
      rule: healthRuleOf(this.plan.health),
      progress,
      control: this.controlSoFar.attempts > 0 ? this.controlSoFar : null,
    };
    const step = yield* this.step<HealthCheckResult>(ACTIVITIES.checkHealth, request, { retry: GRAPH_RETRY });
    // The soak's next wait takes the event that interrupted the check.
    if (step.kind === 'interrupted') return step;
    if (step.kind === 'failed') {
      // The gate fails closed: a rollout that cannot see its health does not go on.
      return { kind: 'rollback', reason: `the health of ring ${ring.name} could not be checked: ${step.error}`, actor: PRODUCT, breachAt: this.now };
    }
    const { figures } = step.value;
    this.book.checked(figures);
    if (!figures.breached) return { kind: 'checked', progress: step.value.progress, reportRequests: step.value.reportRequests };
    const reason = `health gate breached in ring ${ring.name}: ${figures.sentence}`;
    this.book.record('Running', 'Health.Breached', reason, { ring: ring.name });
    yield* this.announce('Health.Breached', undefined, {
      ring: ring.name,
      target: ring.target,
      reason,
      measurements: { signIns: figures.signIns, failureRate: figures.failureRate, lowerBound: figures.lowerBound, threshold: figures.threshold },
    });
    return { kind: 'rollback', reason, actor: PRODUCT, breachAt: this.now };
  }

  /** The approval checkpoint after a ring's soak, with the ring still enabled. */
  private *checkpoint(ring: Ring, index: number, soakMinutes: number, resumed: { requestedAt: string } | undefined): Generator<Task, Outcome | Continued, unknown> {
    const timeoutMs = durationMs(this.plan.approvalTimeout);
    const requestedAt = resumed ? new Date(resumed.requestedAt) : this.now;
    let deadline: Date;
    if (resumed && this.status.approval) deadline = new Date(this.status.approval.deadline);
    else {
      deadline = this.openCheckpoint(ring, requestedAt.getTime() + timeoutMs, `Waiting for approval to go past ring ${ring.name}`);
      yield* this.announce('Approval.Requested', 'approvalNeeded', { ring: ring.name, target: ring.target, measurements: { soakMinutes } });
    }

    for (;;) {
      if (this.timeToContinue(false)) {
        this.continueAsNew(index, { kind: 'checkpoint', requestedAt: requestedAt.toISOString(), soakMinutes });
        return CONTINUED;
      }
      const wake = yield* this.wait(deadline, [EVENTS.approval, EVENTS.rejection, EVENTS.abort, EVENTS.pause, EVENTS.drift, EVENTS.reminderSent]);
      if (wake.kind === 'timer') {
        const waited = formatSeconds((this.now.getTime() - requestedAt.getTime()) / 1000);
        if (this.plan.onApprovalTimeout === 'rollback') {
          yield* this.announce('Approval.TimedOut', undefined, { ring: ring.name });
          return { kind: 'rollback', reason: `no approval for ring ${ring.name} within ${this.plan.approvalTimeout} (waited ${waited})`, actor: PRODUCT };
        }
        const resumed = yield* this.pause(`No approval for ring ${ring.name} within ${this.plan.approvalTimeout}; paused until someone resumes or aborts`, PRODUCT, 'paused');
        if (resumed.kind === 'rollback') return resumed;
        deadline = this.openCheckpoint(ring, this.now.getTime() + timeoutMs, `Waiting again for approval of ring ${ring.name}`);
        continue;
      }
      if (wake.name === EVENTS.reminderSent) {
        // A reminder buffered from an earlier checkpoint says nothing about this one.
        const reminder = wake.payload as ControlEvent;
        if (this.status.approval && reminder.ring === ring.name) {
          this.status.approval.remindedAt = this.now.toISOString();
          this.book.publish();
        }
        continue;
      }
      if (wake.name === EVENTS.approval || wake.name === EVENTS.rejection) {
        const decision = wake.payload as ControlEvent;
        if (decision.ring !== undefined && decision.ring !== ring.name) {
          this.book.record('AwaitingApproval', 'Approval.Ignored', `Ignored a decision meant for ring ${decision.ring}`, { actor: decision.actor, ring: ring.name });
          continue;
        }
        const waitMinutes = (this.now.getTime() - requestedAt.getTime()) / 60_000;
        delete this.status.approval;
        if (wake.name === EVENTS.rejection) {
          const why = decision.reason ? `: ${decision.reason}` : '';
          this.book.record('Running', 'Approval.Decided', `Rejected by ${decision.actor.name}${why}`, { actor: decision.actor, ring: ring.name });
          yield* this.announce('Approval.Decided', 'approvalDecided', { ring: ring.name, actor: decision.actor, reason: `rejected${why}`, measurements: { waitMinutes } });
          return { kind: 'rollback', reason: `ring ${ring.name} was rejected by ${decision.actor.name}${why}`, actor: decision.actor };
        }
        this.book.transition('Running', 'Approval.Decided', `Approved by ${decision.actor.name}`, { actor: decision.actor, ring: ring.name });
        yield* this.announce('Approval.Decided', 'approvalDecided', { ring: ring.name, actor: decision.actor, reason: 'approved', measurements: { waitMinutes } });
        return CONTINUE;
      }
      const control = yield* this.handleControl(wake, ring);
      if (control.kind === 'rollback') return control;
      const extended = Date.parse(this.status.approval?.deadline ?? '') + control.pausedMs;
      deadline = this.openCheckpoint(ring, extended, `Waiting again for approval of ring ${ring.name}`);
    }
  }

  /** Sets the checkpoint's deadline in the status and says so. */
  private openCheckpoint(ring: Ring, deadlineMs: number, what: string): Date {
    const deadline = new Date(deadlineMs).toISOString();
    const approval = this.status.approval ?? { ring: ring.name, requestedAt: this.now.toISOString(), deadline, onTimeout: this.plan.onApprovalTimeout };
    approval.deadline = deadline;
    this.status.approval = approval;
    this.status.nextCheckpointAt = deadline;
    this.book.transition('AwaitingApproval', 'Approval.Requested', `${what} (deadline ${deadline})`, { ring: ring.name });
    return new Date(deadlineMs);
  }

  /** Abort, Pause and DriftDetected, wherever the rollout is. */
  private *handleControl(wake: Extract<Wakeup, { kind: 'event' }>, ring: Ring | undefined): Generator<Task, ControlOutcome, unknown> {
    if (wake.name === EVENTS.abort) {
      const event = wake.payload as ControlEvent;
      return { kind: 'rollback', reason: `aborted by ${event.actor.name}${event.reason ? `: ${event.reason}` : ''}`, actor: event.actor };
    }
    if (wake.name === EVENTS.drift) {
      const drift = wake.payload as DriftEvent;
      const message = `Paused: the policy was changed outside the rollout (${drift.changes.join('; ') || 'unknown change'}). Check the change, then resume or abort.`;
      const resumed = yield* this.pause(message, drift.actor, 'drift', { observedTarget: drift.observedTarget });
      if (resumed.kind === 'rollback') return resumed;
      // Resuming means "carry on with the rollout": the ring must be what the tenant shows again.
      if (!ring) return resumed;
      const reapplied = yield* this.reapply(ring);
      return reapplied.kind === 'rollback' ? reapplied : resumed;
    }
    const event = wake.payload as ControlEvent;
    return yield* this.pause(`Paused by ${event.actor.name}${event.reason ? `: ${event.reason}` : ''}`, event.actor, 'paused');
  }

  /**
   * One verified swap of the enabled target to the ring (the activity writes nothing when it is already in effect);
   * failing after its retries means rolling back, with `doing` saying what failed.
   */
  private *swap(ring: Ring, doing: string): Generator<Task, { kind: 'swapped'; result: WriteResult } | RollbackOutcome, unknown> {
    const request: EnableRingInput = { rolloutId: this.input.rolloutId, feature: this.plan.feature, ring: ring.name, target: ring.target };
    for (;;) {
      this.writeStarted = true;
      const step = yield* this.step<WriteResult>(ACTIVITIES.enableRing, request, { retry: GRAPH_RETRY, write: true });
      if (step.kind === 'failed') return { kind: 'rollback', reason: `${doing} failed: ${step.error}`, actor: PRODUCT };
      if (step.kind === 'done') {
        this.status.enabledTarget = step.value.enabledTarget;
        const after = yield* this.takeControl(ring);
        if (after?.kind === 'rollback') return after;
        return { kind: 'swapped', result: step.value };
      }
      // Interrupted between attempts: abort rolls back; after a pause the swap is tried again.
      const control = yield* this.takeControl(ring);
      if (control?.kind === 'rollback') return control;
    }
  }

  /** Acts on a control event that has already arrived, if any; undefined when there is none. */
  private *takeControl(ring: Ring | undefined): Generator<Task, ControlOutcome | undefined, unknown> {
    const early = this.inbox.delivered(CONTROL_EVENTS);
    if (!early) return undefined;
    const name = this.inbox.take(early) ?? 'unknown';
    return yield* this.handleControl({ kind: 'event', name, payload: early.result }, ring);
  }

  private previousRing(ring: Ring): Ring | undefined {
    const index = this.plan.rings.indexOf(ring);
    return index > 0 ? this.plan.rings[index - 1] : undefined;
  }

  /** Enables the current ring again after a change outside the rollout (no PATCH when it is still in effect). */
  private *reapply(ring: Ring): Generator<Task, Outcome, unknown> {
    const swapped = yield* this.swap(ring, `re-applying ring ${ring.name} after the change outside the rollout`);
    if (swapped.kind === 'rollback') return swapped;
    const { result } = swapped;
    const what = result.written ? `re-applied and verified (${sentence(result.summary)})` : 'still in effect; nothing to re-apply';
    this.book.record(this.status.status, 'Ring.Reapplied', `Ring ${ring.name} ${what}`, { ring: ring.name });
    return CONTINUE;
  }

  /** Holds everything until Resume (continues) or Abort (rolls back). */
  private *pause(message: string, actor: Actor, card: 'paused' | 'drift', details: AnnouncementDetails = {}): Generator<Task, ControlOutcome, unknown> {
    const pausedAt = this.now.getTime();
    const resumeTo: RolloutStatusName = this.status.status === 'AwaitingApproval' ? 'AwaitingApproval' : 'Running';
    const checkpoint = this.status.nextCheckpointAt;
    this.status.nextCheckpointAt = null;
    this.book.paused(card === 'drift' ? 'Drift.Detected' : 'Rollout.Paused', message, actor);
    yield* this.announce(card === 'drift' ? 'Drift.Detected' : 'Rollout.Paused', card, { ...details, actor, reason: message });
    for (;;) {
      const wake = yield* this.wait(null, [EVENTS.resume, EVENTS.abort, EVENTS.drift, EVENTS.pause]);
      if (wake.kind !== 'event') continue;
      const event = wake.payload as ControlEvent;
      if (wake.name === EVENTS.abort) {
        return { kind: 'rollback', reason: `aborted by ${event.actor.name} while paused${event.reason ? `: ${event.reason}` : ''}`, actor: event.actor };
      }
      if (wake.name === EVENTS.resume) {
        const pausedMs = this.now.getTime() - pausedAt;
        this.status.nextCheckpointAt = checkpoint;
        this.book.resumed(resumeTo, `Resumed by ${event.actor.name} after ${formatSeconds(pausedMs / 1000)}`, event.actor);
        yield* this.announce('Rollout.Resumed', undefined, { actor: event.actor, measurements: { pausedMinutes: pausedMs / 60_000 } });
        return { kind: 'continue', pausedMs };
      }
      if (wake.name === EVENTS.drift) {
        const drift = wake.payload as DriftEvent;
        this.book.record('Paused', 'Drift.Detected', `Further change outside the rollout: ${drift.changes.join('; ')}`, { actor: drift.actor });
      }
    }
  }

  private *rollback(reason: string, actor: Actor, breachAt?: Date): Generator<Task, RolloutOutput, unknown> {
    this.status.nextCheckpointAt = null;
    delete this.status.approval;
    if (!this.writeStarted) {
      // Nothing was written, so there is nothing to restore: writing the snapshot back would itself be a change.
      this.book.transition('RolledBack', 'Rollback.Completed', `Stopped before any change: ${reason}. Nothing was written; the tenant is as it was.`, { actor });
      yield* this.announce('Rollback.Completed', undefined, { actor, reason });
      return this.finish();
    }
    this.book.transition('Running', 'Rollback.Started', `Rolling back (${this.plan.rollback}): ${reason}`, { actor });
    yield* this.announce('Rollback.Started', undefined, { actor, reason });
    if (!this.snapshot) {
      this.book.transition('Failed', 'Rollout.Failed', `Could not roll back: no pre-rollout snapshot was recorded. ${reason}`);
      return this.finish();
    }
    const request: RollbackInput = {
      rolloutId: this.input.rolloutId,
      feature: this.plan.feature,
      mode: this.plan.rollback,
      snapshot: this.snapshot,
      rolloutTargets: this.plan.rings.map((r) => r.target),
      reason,
    };
    const onRetry = (attempt: number, error: string, next: Date): void =>
      this.book.transition(
        'Running',
        'Rollback.Retrying',
        `Rolling back (${this.plan.rollback}): attempt ${attempt} of ${ROLLBACK_RETRY.attempts} failed (${error}); next attempt at ${next.toISOString()}. Why: ${reason}`,
        { actor },
      );
    // Abort, pause and drift mean nothing once the rollout is on its way back: the rollback runs to its end.
    const step = yield* this.step<RollbackResult>(ACTIVITIES.rollback, request, { retry: ROLLBACK_RETRY, write: true, uninterruptible: true, onRetry });
    if (step.kind === 'done') {
      const result = step.value;
      this.status.enabledTarget = result.enabledTarget;
      this.book.transition('RolledBack', 'Rollback.Completed', `Rolled back and verified: ${reason}. Restored ${sentence(result.summary)}.`, { actor });
      const measurements: Record<string, number> = {};
      if (breachAt) measurements.breachToVerifiedSeconds = (this.now.getTime() - breachAt.getTime()) / 1000;
      yield* this.announce('Rollback.Completed', 'rollback', { actor, reason, measurements, rollback: { restored: result.summary, verified: result.verified } });
    } else {
      const failure = step.kind === 'failed' ? step : { error: 'interrupted', attempts: 0 };
      const message =
        `Rollback FAILED after ${failure.attempts} attempts (${failure.error}); the tenant was NOT verified to be restored. ` +
        `Why the rollback ran: ${reason}. ${manualRollbackInstructions(this.plan.feature, this.plan.rollback, this.snapshot)}`;
      this.book.transition('Failed', 'Rollback.Failed', message, { actor });
      yield* this.announce('Rollback.Failed', 'failed', { actor, reason: message });
    }
    return this.finish();
  }

  /**
   * Waits for the timer (when `fireAt` is set) or the first of the named events; the losing timer is cancelled. Each
   * wait has a timer of its own, even for an unchanged deadline: a timer task yielded in a second Task.any would be
   * sent to the extension as a second CreateTimer action, which takes a new sequence number and stalls the replay.
   */
  private *wait(fireAt: Date | null, names: readonly string[]): Generator<Task, Wakeup, unknown> {
    this.waits++;
    const early = this.inbox.delivered(names);
    if (early) return { kind: 'event', name: this.inbox.take(early) ?? 'unknown', payload: early.result };
    const timer = fireAt ? this.context.df.createTimer(fireAt) : undefined;
    const waiters = names.map((name) => this.inbox.waiter(name));
    const winner = (yield this.context.df.Task.any(timer ? [timer, ...waiters] : waiters)) as Task;
    if (timer && winner === timer) return { kind: 'timer' };
    if (timer && !timer.isCompleted) timer.cancel();
    const name = this.inbox.take(winner) ?? 'unknown';
    return { kind: 'event', name, payload: winner.result };
  }

  /**
   * One piece of Graph work, retried by the rollout with durable backoff timers. Reads race the control events and
   * give way to them at once; a write runs to its end first. Either way an event that arrives is left in the inbox,
   * and `interrupted` tells the caller to go and take it.
   */
  private *step<T>(activity: string, input: unknown, options: StepOptions): Generator<Task, StepOutcome<T>, unknown> {
    for (let attempt = 1; ; attempt++) {
      if (!options.write && this.inbox.delivered(CONTROL_EVENTS)) return { kind: 'interrupted' };
      const task = this.context.df.callActivity(activity, input);
      const answered = options.write ? ((yield task) as ActivityResult<T>) : yield* this.raceControl<ActivityResult<T>>(task);
      if (answered === INTERRUPTED) return { kind: 'interrupted' };
      if (answered.ok) return { kind: 'done', value: answered.value };
      if (answered.permanent || attempt >= options.retry.attempts) return { kind: 'failed', error: answered.error, attempts: attempt };
      const nextAttemptAt = new Date(this.now.getTime() + backoffMs(options.retry, attempt));
      options.onRetry?.(attempt, answered.error, nextAttemptAt);
      const timer = this.context.df.createTimer(nextAttemptAt);
      if (options.uninterruptible) {
        yield timer;
        continue;
      }
      // Once abort or pause has arrived, a failed attempt is not tried again, not even a write's.
      if ((yield* this.raceControl(timer)) === INTERRUPTED) {
        if (!timer.isCompleted) timer.cancel();
        return { kind: 'interrupted' };
      }
    }
  }

  /** Awaits `task` unless a control event arrives first (or has already arrived); the event is not taken. */
  private *raceControl<T>(task: Task): Generator<Task, T | typeof INTERRUPTED, unknown> {
    if (this.inbox.delivered(CONTROL_EVENTS)) return INTERRUPTED;
    const waiters = CONTROL_EVENTS.map((name) => this.inbox.waiter(name));
    const winner = (yield this.context.df.Task.any([task, ...waiters])) as Task;
    return winner === task ? (task.result as T) : INTERRUPTED;
  }

  private *announce(event: RolloutEventName, card: CardKind | undefined, details: AnnouncementDetails): Generator<Task, void, unknown> {
    // Built now, as plain copies: the SDK serialises actions when the episode ends, when the live status may have moved on.
    const source = { plan: this.plan, status: this.status, ...(this.input.statusUrl ? { statusUrl: this.input.statusUrl } : {}) };
    const message = JSON.parse(JSON.stringify(announcement(source, event, card, details))) as ReturnType<typeof announcement>;
    try {
      // A slow Teams endpoint must not hold up an abort: the event stays in the inbox for the next wait.
      yield* this.raceControl(this.context.df.callActivity(ACTIVITIES.announce, message));
    } catch {
      // Announcing is best effort: the activity already retries and logs; a rollout never fails because of it.
    }
  }

  private finish(): RolloutOutput {
    this.context.df.signalEntity(this.lockId, 'release', this.input.rolloutId);
    this.status.nextCheckpointAt = null;
    this.book.publish();
    return this.output();
  }

  private output(): RolloutOutput {
    return this.snapshot ? { status: this.status, snapshot: this.snapshot } : { status: this.status };
  }
}

/** A summary without its closing full stop, to sit inside a sentence. */
function sentence(text: string): string {
  return text.replace(/\.\s*$/, '');
}
