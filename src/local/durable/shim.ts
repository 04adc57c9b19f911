import { createHash } from 'node:crypto';
import { ActionType, type Action, type RetryOptionsJson } from './actions';
import { Completion } from './completion';
import { EventType, type HistoryEvent } from './history';

/**
 * Replays an orchestrator's actions against its history the way the Durable Task extension does for out-of-process
 * languages (`OutOfProcOrchestrationShim`, schema V2/V3): one top-level action at a time, each awaited before the
 * next; every task takes the next sequence number when it is scheduled; a retrying activity takes one for each retry
 * timer and each new attempt (DTFx `RetryInterceptor`, which also waits a timer after the last failed attempt); a timer
 * longer than the maximum short timer is a chain of interval timers. Scheduling events already in the history are
 * checked against the actions (a mismatch is a non-deterministic orchestration); the rest is new work to execute.
 */

export interface ShimOptions {
  instanceId: string;
  /** Part of new entity request ids, so an execution after continueAsNew never reuses its predecessor's. */
  executionId: string;
  maximumShortTimerMs: number;
  longTimerIntervalMs: number;
}

export type NewWork =
  | { kind: 'activity'; id: number; name: string; input: string | undefined }
  | { kind: 'timer'; id: number; fireAt: Date }
  | { kind: 'entity'; id: number; target: string; operation: string; input: string | undefined; requestId: string; signal: boolean };

export interface ShimResult {
  newWork: NewWork[];
  /** Timers the orchestrator cancelled (the loser of a Task.any) that have not fired. */
  cancelledTimers: number[];
  /**
   * The orchestrator continued as new. `carryover`: the external events the history delivered after the
   * ContinueAsNew action was reached, which DTFx hands to the new execution (`BehaviorOnContinueAsNew.Carryover`, the
   * Azure Storage default). Events received before it and never awaited are dropped, as the extension does for
   * out-of-process orchestrators (`ContinueAsNew(input)` with `preserveUnprocessedEvents` false).
   */
  continueAsNew?: { input: string | undefined; carryover: HistoryEvent[] };
  /** Non-determinism or an unsupported action: the orchestration cannot go on. */
  problem?: string;
}

export function replayActions(history: HistoryEvent[], actions: Action[], options: ShimOptions): ShimResult {
  const shim = new Shim(history, actions, options);
  shim.run();
  return shim.result();
}

interface TimerNode {
  action: Action;
  completion: Completion;
  currentId: number;
}

class Shim {
  private nextId = 0;
  private now = 0;
  private next = 0;
  private current: Completion | undefined;
  private readonly scheduled = new Map<number, HistoryEvent>();
  private readonly openById = new Map<number, (e: HistoryEvent) => void>();
  private readonly openByRequest = new Map<string, (e: HistoryEvent) => void>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly buffered = new Map<string, number>();
  private readonly timers: TimerNode[] = [];
  private readonly newWork: NewWork[] = [];
  private continueAsNew: { input: string | undefined; carryover: HistoryEvent[] } | undefined;
  private problem: string | undefined;
  private started = false;

  constructor(
    private readonly history: HistoryEvent[],
    private readonly actions: Action[],
    private readonly options: ShimOptions,
  ) {
    for (const e of history) if (isScheduling(e)) this.scheduled.set(e.EventId, e);
  }

  run(): void {
    for (const e of this.history) {
      if (this.problem) return;
      this.process(e);
      this.advance();
    }
  }

  result(): ShimResult {
    const cancelledTimers = this.timers.filter((t) => t.action.isCanceled && !t.completion.settled).map((t) => t.currentId);
    return {
      newWork: this.problem ? [] : this.newWork,
      cancelledTimers,
      ...(this.continueAsNew ? { continueAsNew: this.continueAsNew } : {}),
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }

  private process(e: HistoryEvent): void {
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
        this.now = Date.parse(e.Timestamp);
        return;
      case EventType.ExecutionStarted:
        this.started = true;
        return;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.EventSent:
      case EventType.SubOrchestrationInstanceCreated:
        if (e.EventId >= this.nextId) {
          this.problem = `Non-deterministic workflow detected: the history has ${EventType[e.EventType]} #${e.EventId}` +
            `${e.Name ? ` (${e.Name})` : ''} but the orchestrator no longer schedules it.`;
        }
        return;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
        return this.complete(e.TaskScheduledId, e);
      case EventType.TimerFired:
        return this.complete(e.TimerId, e);
      case EventType.EventRaised:
        return this.raise(e);
      default:
        return;
    }
  }

  private complete(id: number | undefined, e: HistoryEvent): void {
    if (id === undefined) return;
    const handler = this.openById.get(id);
    if (!handler) return;
    this.openById.delete(id);
    handler(e);
  }

  private raise(e: HistoryEvent): void {
    if (this.continueAsNew) {
      this.continueAsNew.carryover.push(e);
      return;
    }
    const name = e.Name ?? '';
    const response = this.openByRequest.get(name);
    if (response) {
      this.openByRequest.delete(name);
      return response(e);
    }
    // A stack, as in the extension: the newest waiter gets the event, so a waiter abandoned by an earlier Task.any
    // in a loop does not swallow it.
    const waiter = this.waiters.get(name)?.pop();
    if (waiter) return waiter();
    this.buffered.set(name, (this.buffered.get(name) ?? 0) + 1);
  }

  /** Awaits the current top-level action; once it settles, schedules the next ones. */
  private advance(): void {
    if (!this.started) return;
    while (!this.problem && (!this.current || this.current.settled) && this.next < this.actions.length) {
      const action = this.actions[this.next++];
      if (action) this.current = this.build(action);
    }
  }

  private build(action: Action): Completion {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.activity(action);
      case ActionType.CallActivityWithRetry:
        return this.activityWithRetry(action);
      case ActionType.CreateTimer:
        return this.timer(action);
      case ActionType.WaitForExternalEvent:
        return this.waitForEvent(action.externalEventName ?? '');
      case ActionType.CallEntity:
        return this.entity(action, false);
      case ActionType.SignalEntity:
        this.entity(action, true);
        return Completion.done();
      case ActionType.ContinueAsNew:
        this.continueAsNew = { input: inputJson(action.input), carryover: [] };
        return Completion.done();
      case ActionType.WhenAll:
      case ActionType.WhenAny:
        return this.compound(action);
      default:
        this.problem = `The local durable host does not support ${ActionType[action.actionType] ?? `action type ${action.actionType}`} yet.`;
        return new Completion();
    }
  }

  private activity(action: Action): Completion {
    const c = new Completion();
    this.scheduleActivity(action, (failed) => c.settle(failed));
    return c;
  }

  private scheduleActivity(action: Action, onSettled: (failed: boolean) => void): void {
    const name = action.functionName ?? '';
    const id = this.allocate(EventType.TaskScheduled, name);
    if (!this.scheduled.has(id)) this.newWork.push({ kind: 'activity', id, name, input: inputJson(action.input) });
    this.openById.set(id, (e) => onSettled(e.EventType === EventType.TaskFailed));
  }

  private activityWithRetry(action: Action): Completion {
    const c = new Completion();
    const options = action.retryOptions ?? { firstRetryIntervalInMilliseconds: 1, maxNumberOfAttempts: 1 };
    const firstAttempt = this.now;
    let attempt = 1;
    const tryOnce = (): void =>
      this.scheduleActivity(action, (failed) => {
        if (!failed) return c.settle(false);
        const delay = retryDelay(options, attempt - 1, firstAttempt, this.now);
        if (delay <= 0) return c.settle(true);
        this.scheduleTimer(this.now + delay, () => {
          if (attempt >= options.maxNumberOfAttempts) return c.settle(true);
          attempt++;
          tryOnce();
        });
      });
    tryOnce();
    return c;
  }

  private timer(action: Action): Completion {
    const c = new Completion();
    const fireAt = Date.parse(action.fireAt ?? '');
    const node: TimerNode = { action, completion: c, currentId: -1 };
    this.timers.push(node);
    if (fireAt - this.now <= this.options.maximumShortTimerMs) {
      node.currentId = this.scheduleTimer(fireAt, () => c.settle(false));
      return c;
    }
    const interval = this.options.longTimerIntervalMs;
    const arm = (at: number): void => {
      node.currentId = this.scheduleTimer(at, () => {
        const remaining = fireAt - this.now;
        if (remaining <= 0) return c.settle(false);
        arm(this.now + Math.min(remaining, interval));
      });
    };
    arm(this.now + interval);
    return c;
  }

  private scheduleTimer(at: number, onFired: () => void): number {
    const id = this.allocate(EventType.TimerCreated);
    if (!this.scheduled.has(id)) this.newWork.push({ kind: 'timer', id, fireAt: new Date(at) });
    this.openById.set(id, onFired);
    return id;
  }

  private waitForEvent(name: string): Completion {
    const c = new Completion();
    const count = this.buffered.get(name) ?? 0;
    if (count > 0) {
      this.buffered.set(name, count - 1);
      c.settle(false);
      return c;
    }
    const list = this.waiters.get(name) ?? [];
    list.push(() => c.settle(false));
    this.waiters.set(name, list);
    return c;
  }

  private entity(action: Action, signal: boolean): Completion {
    const c = new Completion();
    const id = this.allocate(EventType.EventSent);
    const target = action.instanceId ?? '';
    const operation = action.operation ?? '';
    const recorded = this.scheduled.get(id);
    const requestId = recorded ? requestIdOf(recorded) : deterministicGuid(`${this.options.instanceId}:${this.options.executionId}:${id}`);
    const input = action.input === undefined ? undefined : JSON.stringify(action.input);
    if (!recorded) this.newWork.push({ kind: 'entity', id, target, operation, input, requestId, signal });
    if (!signal) this.openByRequest.set(requestId, (e) => c.settle(responseFailed(e)));
    return c;
  }

  private compound(action: Action): Completion {
    const children = (action.compoundActions ?? []).map((a) => this.build(a));
    const c = new Completion();
    const check = (): void => {
      if (action.actionType === ActionType.WhenAny ? children.some((x) => x.settled) : children.every((x) => x.settled)) {
        c.settle(false);
      }
    };
    for (const child of children) child.onSettled(check);
    check();
    return c;
  }

  private allocate(expected: EventType, name?: string): number {
    const id = this.nextId++;
    const recorded = this.scheduled.get(id);
    if (recorded && (recorded.EventType !== expected || (name !== undefined && recorded.Name !== name))) {
      this.problem = `Non-deterministic workflow detected: task #${id} was ${EventType[recorded.EventType]}` +
        `${recorded.Name ? ` (${recorded.Name})` : ''} in the history but is now ${EventType[expected]}${name ? ` (${name})` : ''}.`;
    }
    return id;
  }
}

function isScheduling(e: HistoryEvent): boolean {
  return (
    e.EventType === EventType.TaskScheduled ||
    e.EventType === EventType.TimerCreated ||
    e.EventType === EventType.EventSent ||
    e.EventType === EventType.SubOrchestrationInstanceCreated
  );
}

/** DTFx `RetryInterceptor.ComputeNextDelay`: zero means give up now. */
function retryDelay(options: RetryOptionsJson, attemptIndex: number, firstAttempt: number, now: number): number {
  if (options.retryTimeoutInMilliseconds !== undefined && now >= firstAttempt + options.retryTimeoutInMilliseconds) return 0;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, attemptIndex);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && delay >= cap ? cap : delay;
}

/** durable-functions has already JSON-encoded string inputs (`Utils.processInput`); anything else is encoded here. */
export function inputJson(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

function requestIdOf(e: HistoryEvent): string {
  const parsed = JSON.parse(e.Input ?? '{}') as { id?: unknown };
  return typeof parsed.id === 'string' ? parsed.id : '';
}

function responseFailed(e: HistoryEvent): boolean {
  const parsed = JSON.parse(e.Input ?? '{}') as { exceptionType?: unknown };
  return typeof parsed.exceptionType === 'string';
}

/** A name-based UUID, so an entity request id is the same on every replay. */
export function deterministicGuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}
