import { randomUUID } from 'node:crypto';
import type { FunctionRegistry, RegisteredFunction } from '../functions-host/registry';
import { type Clock, type TimerHandle, VirtualClock } from './clock';
import { clientBindingFor, startClientServer, type ClientBinding, type ClientServer } from './client-server';
import { parseSchedulerId, runEntityBatch, schedulerIdOf } from './entities';
import { executionStarted, runEpisode } from './episode';
import { DurableHostError } from './errors';
import { completedTaskId, EventType, historyEvent, type HistoryEvent } from './history';
import { ACTIVE_STATUSES, statusOf, type ControlRequest, type EntityMessage, type EntityOperation, type EntityOutboxItem, type EntityRecord, type InstanceRecord, type InstanceStatus, type ListFilter, type StatusOptions } from './instance';
import { replayPrefixes, type ReplayReport } from './replay-check';
import type { NewWork } from './shim';
import { StateStore, type LoadedState } from './store';

export interface LocalDurableHostOptions {
  registry: FunctionRegistry;
  clock: Clock;
  /** Persist every instance and entity here, and resume from it on start. */
  stateDir?: string;
  taskHubName?: string;
  logger?: (line: string) => void;
  /** Page size of the list endpoint (continuation tokens beyond it). */
  listPageSize?: number;
}

const ENTITY_BATCH_SIZE = 50;
/** How many recent request ids an entity remembers to run a re-sent operation once (resends follow a crash at once). */
const SEEN_REQUESTS = 200;

/**
 * A local stand-in for the Durable Task extension: runs the app's registered orchestrations, activities and entities
 * on the real durable-functions replay engine, keeps their histories as the extension writes them, fires durable
 * timers from a real or virtual clock, persists state when asked, and serves the client endpoints the real
 * `DurableClient` calls.
 */
export class LocalDurableHost {
  readonly clock: Clock;
  private readonly registry: FunctionRegistry;
  private readonly store: StateStore | undefined;
  private readonly log: (line: string) => void;
  private readonly instances = new Map<string, InstanceRecord>();
  private readonly entities = new Map<string, EntityRecord>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly kicked = new Set<string>();
  private readonly timers = new Map<string, { fireAt: Date; handle: TimerHandle }>();
  private readonly idleWaiters: (() => void)[] = [];
  private busy = 0;
  private running = false;
  private server: ClientServer | undefined;

  constructor(private readonly options: LocalDurableHostOptions) {
    this.registry = options.registry;
    this.clock = options.clock;
    this.store = options.stateDir ? new StateStore(options.stateDir) : undefined;
    this.log = options.logger ?? (() => undefined);
  }

  /**
   * Starts the client endpoints and resumes what the state directory holds. Throws `DurableStateError` (and starts
   * nothing, changes no file) when the directory is locked by another process or a state file is damaged.
   */
  async start(): Promise<void> {
    if (this.running) return;
    const state = this.store ? await this.store.open() : undefined;
    try {
      this.server = await startClientServer(this, this.options.listPageSize ?? 100);
    } catch (error) {
      await this.store?.close();
      throw error;
    }
    this.running = true;
    this.registry.provideInput('durableClient', () => this.clientBinding());
    if (state) this.recover(state);
  }

  /** Stops at once, like a host that goes away: running work is abandoned, timers disarmed, state as last saved. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers.values()) t.handle.cancel();
    this.timers.clear();
    await this.server?.close();
    this.server = undefined;
    await this.store?.close();
  }

  clientBinding(): ClientBinding {
    if (!this.server) throw new Error('The durable host is not started.');
    return clientBindingFor(this.server.origin, this.options.taskHubName ?? 'LocalTaskHub');
  }

  // ---- orchestration client operations ----

  /** Resolves once the new instance is on disk (with a state directory), so an accepted start survives a crash. */
  async startNew(name: string, options: { instanceId?: string; input?: unknown } = {}): Promise<string> {
    const fn = this.registry.has(name) ? this.registry.get(name) : undefined;
    if (fn?.triggerType !== 'orchestrationTrigger') throw new DurableHostError(`No orchestrator function named "${name}" is registered.`, 'bad-request');
    const instanceId = options.instanceId ?? randomUUID().replace(/-/g, '');
    if (!instanceId || /[/\\?#]/.test(instanceId)) throw new DurableHostError(`"${instanceId}" is not a valid instance id.`, 'bad-request');
    const existing = this.instances.get(instanceId);
    if (existing && ACTIVE_STATUSES.has(existing.runtimeStatus)) {
      throw new DurableHostError(`An instance with ID '${instanceId}' already exists and is ${existing.runtimeStatus}.`, 'conflict');
    }
    if (existing) this.disarmAll(instanceId);
    const now = this.clock.now();
    const record: InstanceRecord = {
      instanceId,
      name,
      executionId: randomUUID().replace(/-/g, ''),
      input: options.input === undefined ? undefined : JSON.stringify(options.input),
      runtimeStatus: 'Pending',
      createdTime: now.toISOString(),
      lastUpdatedTime: now.toISOString(),
      customStatus: null,
      output: null,
      history: [],
      inbox: [],
      cancelledTimers: [],
    };
    record.inbox.push(executionStarted(record, now));
    this.instances.set(instanceId, record);
    await this.save(record);
    this.kick(instanceId);
    return instanceId;
  }

  /**
   * Delivers an external event; buffered until the orchestrator waits for it. Refused for a finished instance.
   * Resolves once the event is on disk: an event that was accepted is never lost to a crash.
   */
  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<'accepted' | 'gone'> {
    const record = this.require(instanceId);
    if (!ACTIVE_STATUSES.has(record.runtimeStatus)) return 'gone';
    const input = data === undefined ? {} : { Input: JSON.stringify(data) };
    record.inbox.push(historyEvent(EventType.EventRaised, this.clock.now(), { Name: eventName, ...input }));
    await this.save(record);
    this.kick(instanceId);
    return 'accepted';
  }

  terminate(instanceId: string, reason = ''): Promise<'accepted' | 'gone'> {
    return this.control(instanceId, 'terminate', reason);
  }

  suspend(instanceId: string, reason = ''): Promise<'accepted' | 'gone'> {
    return this.control(instanceId, 'suspend', reason);
  }

  resume(instanceId: string, reason = ''): Promise<'accepted' | 'gone'> {
    return this.control(instanceId, 'resume', reason);
  }

  /** Deletes a finished instance and its history; returns how many were deleted. */
  async purge(instanceId: string): Promise<number> {
    const record = this.instances.get(instanceId);
    if (!record) return 0;
    if (ACTIVE_STATUSES.has(record.runtimeStatus)) throw new DurableHostError(`Instance '${instanceId}' is ${record.runtimeStatus}; terminate it before purging.`, 'conflict');
    this.instances.delete(instanceId);
    await this.store?.deleteInstance(instanceId);
    return 1;
  }

  getStatus(instanceId: string, options: StatusOptions = {}): InstanceStatus | undefined {
    const record = this.instances.get(instanceId);
    return record ? statusOf(record, options) : undefined;
  }

  /** The raw history, as the extension stores it (for tests and diagnostics). */
  history(instanceId: string): HistoryEvent[] {
    return [...this.require(instanceId).history];
  }

  list(filter: ListFilter = {}, options: StatusOptions = {}): InstanceStatus[] {
    return [...this.instances.values()]
      .filter((r) => !filter.runtimeStatus || filter.runtimeStatus.includes(r.runtimeStatus))
      .filter((r) => !filter.createdTimeFrom || Date.parse(r.createdTime) >= filter.createdTimeFrom.getTime())
      .filter((r) => !filter.createdTimeTo || Date.parse(r.createdTime) <= filter.createdTimeTo.getTime())
      .sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId))
      .map((r) => statusOf(r, options));
  }

  // ---- entities ----

  /** Resolves once the signal is on disk. */
  async signalEntity(name: string, key: string, operation: string, input: unknown): Promise<void> {
    await this.enqueueEntity(schedulerIdOf(name, key), { operation, input: input === undefined ? undefined : JSON.stringify(input) });
  }

  readEntityState(name: string, key: string): { exists: boolean; state: unknown } {
    const record = this.entities.get(schedulerIdOf(name, key));
    if (!record?.exists) return { exists: false, state: undefined };
    return { exists: true, state: record.state === undefined ? null : (JSON.parse(record.state) as unknown) };
  }

  // ---- drivers ----

  /** Resolves when no episode, activity or entity batch is running or queued. */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  nextTimerAt(): Date | null {
    let earliest: Date | null = null;
    for (const t of this.timers.values()) if (!earliest || t.fireAt < earliest) earliest = t.fireAt;
    return earliest;
  }

  /** Virtual clock only: jumps to the earliest armed durable timer, fires it and waits until the host is idle. */
  async advanceToNextTimer(): Promise<Date | null> {
    if (!(this.clock instanceof VirtualClock)) throw new Error('advanceToNextTimer needs a VirtualClock.');
    await this.idle();
    const at = this.nextTimerAt();
    if (!at) return null;
    this.clock.advanceTo(at);
    await this.idle();
    return at;
  }

  /** Replays every prefix of an instance's history and checks the orchestrator asks for the same work each time. */
  replayPrefixes(instanceId: string): Promise<ReplayReport> {
    const record = this.require(instanceId);
    return replayPrefixes(this.registry.get(record.name), record);
  }

  /** How many executions the instance has had (1 + the times it continued as new). */
  executionCount(instanceId: string): number {
    return 1 + (this.require(instanceId).continuedAsNew ?? 0);
  }

  // ---- engine ----

  /** Queues a terminate, suspend or resume request on disk; the instance's own chain applies it in order. */
  private async control(instanceId: string, kind: ControlRequest['kind'], reason: string): Promise<'accepted' | 'gone'> {
    const record = this.require(instanceId);
    if (!ACTIVE_STATUSES.has(record.runtimeStatus)) return 'gone';
    record.control = [...(record.control ?? []), { kind, reason, at: this.clock.now().toISOString() }];
    await this.save(record);
    this.kick(instanceId);
    return 'accepted';
  }

  private applyControl(record: InstanceRecord, request: ControlRequest): void {
    const now = this.clock.now();
    const { kind, reason } = request;
    if (kind === 'terminate' && ACTIVE_STATUSES.has(record.runtimeStatus)) {
      record.history.push(
        historyEvent(EventType.OrchestratorStarted, now),
        historyEvent(EventType.ExecutionTerminated, now, { Input: JSON.stringify(reason) }),
        historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Terminated', Result: JSON.stringify(reason) }),
        historyEvent(EventType.OrchestratorCompleted, now),
      );
      record.runtimeStatus = 'Terminated';
      record.output = reason;
      record.inbox = [];
      record.control = [];
      this.disarmAll(record.instanceId);
    } else if (kind === 'suspend' && (record.runtimeStatus === 'Running' || record.runtimeStatus === 'Pending')) {
      record.history.push(historyEvent(EventType.ExecutionSuspended, now, { Reason: reason }));
      record.runtimeStatus = 'Suspended';
    } else if (kind === 'resume' && record.runtimeStatus === 'Suspended') {
      record.history.push(historyEvent(EventType.ExecutionResumed, now, { Reason: reason }));
      record.runtimeStatus = record.history.some((e) => e.EventType === EventType.OrchestratorCompleted) ? 'Running' : 'Pending';
    } else {
      return;
    }
    record.lastUpdatedTime = now.toISOString();
  }

  private require(instanceId: string): InstanceRecord {
    const record = this.instances.get(instanceId);
    if (!record) throw new DurableHostError(`No instance with ID '${instanceId}' found.`, 'not-found');
    return record;
  }

  /** Hands an event to an instance; one meant for an execution that has since continued as new is dropped, as in DTFx. */
  private deliver(record: InstanceRecord, event: HistoryEvent, executionId?: string): void {
    if (!this.running || this.instances.get(record.instanceId) !== record || !ACTIVE_STATUSES.has(record.runtimeStatus)) return;
    if (executionId !== undefined && executionId !== record.executionId) return;
    record.inbox.push(event);
    this.persist(record);
    this.kick(record.instanceId);
  }

  /** Runs episodes for an instance until nothing is left to deliver (nothing at all while it is suspended). */
  private kick(instanceId: string): void {
    if (this.kicked.has(instanceId)) return;
    this.kicked.add(instanceId);
    void this.serially(instanceId, async () => {
      this.kicked.delete(instanceId);
      const record = this.instances.get(instanceId);
      while (this.running && record && this.instances.get(instanceId) === record) {
        const request = record.control?.shift();
        if (request) {
          this.applyControl(record, request);
          await this.save(record);
          continue;
        }
        if (!isRunnable(record)) break;
        await this.episode(record);
      }
    });
  }

  private async episode(record: InstanceRecord): Promise<void> {
    const fn = this.registry.get(record.name);
    const execution = record.executionId;
    const { work, cancelledTimers } = await runEpisode(fn, record, this.clock.now());
    if (!this.running) return;
    for (const id of cancelledTimers) this.disarm(record.instanceId, id);
    // Finished, or continued as new: no timer of the old execution may fire into the next one.
    if (!ACTIVE_STATUSES.has(record.runtimeStatus) || record.executionId !== execution) this.disarmAll(record.instanceId);
    const messages = work.flatMap((w) => (w.kind === 'entity' ? [entityMessage(record.instanceId, w)] : []));
    record.outbox = [...(record.outbox ?? []), ...messages];
    await this.save(record);
    this.log(`${record.name} ${record.instanceId}: ${record.runtimeStatus}, ${work.length} new task(s)`);
    if (ACTIVE_STATUSES.has(record.runtimeStatus)) for (const w of work) if (w.kind !== 'entity') this.dispatch(record, w);
    if (messages.length > 0) this.sendOutbox(record);
  }

  /** Hands the instance's entity messages to their entities, each on disk there before it leaves the outbox. */
  private sendOutbox(record: InstanceRecord): void {
    this.track(async () => {
      for (const message of [...(record.outbox ?? [])]) {
        await this.enqueueEntity(message.target, {
          operation: message.operation,
          input: message.input,
          requestId: message.requestId,
          ...(message.caller ? { caller: message.caller } : {}),
        });
        record.outbox = (record.outbox ?? []).filter((m) => m !== message);
      }
      // Not for an instance purged or replaced meanwhile: that would write its file back.
      if (this.running && this.instances.get(record.instanceId) === record) await this.save(record);
    });
  }

  private dispatch(record: InstanceRecord, work: NewWork): void {
    switch (work.kind) {
      case 'activity':
        return this.runActivity(record, work.id, work.name, work.input);
      case 'timer':
        return this.arm(record, work.id, work.fireAt);
      case 'entity':
        // Sent through the instance's outbox (see episode); never dispatched directly.
        return;
    }
  }

  private runActivity(record: InstanceRecord, id: number, name: string, input: string | undefined): void {
    const execution = record.executionId;
    this.track(async () => {
      let event: HistoryEvent;
      try {
        const fn = this.activity(name);
        const result = await fn.invoke(input === undefined ? undefined : (JSON.parse(input) as unknown));
        event = historyEvent(EventType.TaskCompleted, this.clock.now(), { TaskScheduledId: id, Result: JSON.stringify(result ?? null) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        event = historyEvent(EventType.TaskFailed, this.clock.now(), {
          TaskScheduledId: id,
          Reason: `Activity function '${name}' failed: ${message}`,
          Details: JSON.stringify({ Message: message, ...(error instanceof Error ? { ErrorType: error.name } : {}) }),
        });
      }
      this.deliver(record, event, execution);
    });
  }

  private activity(name: string): RegisteredFunction {
    const fn = this.registry.has(name) ? this.registry.get(name) : undefined;
    if (fn?.triggerType !== 'activityTrigger') throw new Error(`The function '${name}' doesn't exist, is disabled, or is not an activity function.`);
    return fn;
  }

  private arm(record: InstanceRecord, timerId: number, fireAt: Date): void {
    const key = `${record.instanceId}#${timerId}`;
    if (this.timers.has(key) || record.cancelledTimers.includes(timerId)) return;
    const execution = record.executionId;
    const fire = (): void => {
      if (!this.timers.delete(key)) return;
      this.deliver(record, historyEvent(EventType.TimerFired, this.clock.now(), { TimerId: timerId, FireAt: fireAt.toISOString() }), execution);
    };
    if (fireAt.getTime() <= this.clock.now().getTime()) {
      // Already due (e.g. after a restart): fire on the next turn, counted as work so idle() waits for it.
      this.timers.set(key, { fireAt, handle: { cancel: () => undefined } });
      this.track(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        fire();
      });
      return;
    }
    this.timers.set(key, { fireAt, handle: this.clock.setTimer(fireAt, fire) });
  }

  private disarm(instanceId: string, timerId: number): void {
    const key = `${instanceId}#${timerId}`;
    this.timers.get(key)?.handle.cancel();
    this.timers.delete(key);
  }

  private disarmAll(instanceId: string): void {
    for (const key of [...this.timers.keys()]) if (key.startsWith(`${instanceId}#`)) this.disarm(instanceId, Number(key.slice(instanceId.length + 1)));
  }

  private enqueueEntity(schedulerId: string, operation: EntityOperation): Promise<void> {
    let record = this.entities.get(schedulerId);
    if (!record) {
      const { name, key } = parseSchedulerId(schedulerId);
      record = { schedulerId, name, key, exists: false, state: undefined, queue: [], lastUpdatedTime: this.clock.now().toISOString() };
      this.entities.set(schedulerId, record);
    }
    const id = operation.requestId;
    // Sent again after a crash (from an outbox): already queued or already run, so it runs once.
    if (id !== undefined && (record.queue.some((op) => op.requestId === id) || record.seen?.includes(id))) return Promise.resolve();
    record.queue.push(operation);
    const saved = this.saveEntity(record);
    this.kickEntity(record);
    return saved;
  }

  private kickEntity(record: EntityRecord): void {
    const chainKey = `entity:${record.schedulerId}`;
    if (this.kicked.has(chainKey)) return;
    this.kicked.add(chainKey);
    void this.serially(chainKey, async () => {
      this.kicked.delete(chainKey);
      while (this.running && record.queue.length > 0) {
        const batch = record.queue.slice(0, ENTITY_BATCH_SIZE);
        const outcome = await runEntityBatch(this.entityFunction(record.name), record, batch);
        if (!this.running) return;
        record.queue.splice(0, batch.length);
        record.lastUpdatedTime = this.clock.now().toISOString();
        record.seen = [...(record.seen ?? []), ...batch.flatMap((op) => (op.requestId ? [op.requestId] : []))].slice(-SEEN_REQUESTS);
        record.outbox = [
          ...outcome.responses.map((r): EntityOutboxItem => ({ kind: 'response', caller: r.caller, message: r.message })),
          ...outcome.signals.map((sig): EntityOutboxItem => ({ kind: 'signal', ...sig })),
        ];
        // The new state, the shortened queue and what the batch sends are one write.
        await this.saveEntity(record);
        await this.flushEntityOutbox(record);
      }
    });
  }

  /** Delivers an entity's responses and signals, each on disk at its destination, then clears the outbox. */
  private async flushEntityOutbox(record: EntityRecord): Promise<void> {
    const items = record.outbox ?? [];
    if (items.length === 0) return;
    for (const item of items) {
      if (item.kind === 'signal') {
        await this.enqueueEntity(item.target, { operation: item.operation, input: item.input });
        continue;
      }
      const caller = this.instances.get(item.caller.instanceId);
      const name = item.caller.requestId;
      if (!caller || [...caller.history, ...caller.inbox].some((e) => e.EventType === EventType.EventRaised && e.Name === name)) continue;
      this.deliver(caller, historyEvent(EventType.EventRaised, this.clock.now(), { Name: name, Input: JSON.stringify(item.message) }));
      await this.save(caller);
    }
    record.outbox = [];
    await this.saveEntity(record);
  }

  private entityFunction(name: string): RegisteredFunction | undefined {
    return this.registry.list().find((f) => f.triggerType === 'entityTrigger' && f.name.toLowerCase() === name.toLowerCase());
  }

  /** Serialises work per instance (or entity) and counts it as busy until it settles. */
  private serially(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => this.log(`${key}: ${error instanceof Error ? error.message : String(error)}`));
    this.chains.set(key, next);
    this.track(() => next);
    return next;
  }

  private track(work: () => Promise<void>): void {
    this.busy++;
    void work()
      .catch((error: unknown) => this.log(`durable host: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.busy--;
        if (this.busy === 0) setImmediate(() => this.releaseIdle());
      });
  }

  private releaseIdle(): void {
    if (this.busy !== 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Saves without waiting (the next episode saves again and awaits); a failure is logged, not thrown at a caller. */
  private persist(record: InstanceRecord): void {
    void this.save(record).catch((error: unknown) => this.log(`saving ${record.instanceId}: ${String(error)}`));
  }

  private save(record: InstanceRecord): Promise<void> {
    return this.store?.saveInstance(record) ?? Promise.resolve();
  }

  private saveEntity(record: EntityRecord): Promise<void> {
    return this.store?.saveEntity(record) ?? Promise.resolve();
  }

  /** Picks up where the last host left off: re-runs unfinished activities, re-arms timers, applies queued requests. */
  private recover(state: LoadedState): void {
    for (const record of state.instances) this.instances.set(record.instanceId, record);
    for (const record of state.entities) this.entities.set(record.schedulerId, record);
    for (const record of this.instances.values()) {
      if (!ACTIVE_STATUSES.has(record.runtimeStatus)) continue;
      for (const w of unfinishedWork(record)) this.dispatch(record, w);
      this.kick(record.instanceId);
    }
    // What a killed host had committed but not yet handed on: entity messages of instances (finished ones too, whose
    // last episode may have released a lock), then entities' responses and signals.
    for (const record of this.instances.values()) if ((record.outbox ?? []).length > 0) this.sendOutbox(record);
    for (const record of this.entities.values()) {
      if ((record.outbox ?? []).length > 0 || record.queue.length > 0) {
        const chainKey = `entity:${record.schedulerId}`;
        void this.serially(chainKey, () => this.flushEntityOutbox(record)).then(() => this.kickEntity(record));
      }
    }
  }
}

function entityMessage(instanceId: string, work: Extract<NewWork, { kind: 'entity' }>): EntityMessage {
  return {
    target: work.target,
    operation: work.operation,
    input: work.input,
    requestId: work.requestId,
    ...(work.signal ? {} : { caller: { instanceId, requestId: work.requestId } }),
  };
}

function isRunnable(record: InstanceRecord): boolean {
  return (record.runtimeStatus === 'Running' || record.runtimeStatus === 'Pending') && record.inbox.length > 0;
}

/** Activities scheduled but not completed, and timers created but not fired, in the current execution. */
function unfinishedWork(record: InstanceRecord): NewWork[] {
  const done = new Set<number>();
  for (const e of [...record.history, ...record.inbox]) {
    const id = completedTaskId(e);
    if (id !== undefined) done.add(id);
  }
  const work: NewWork[] = [];
  for (const e of record.history) {
    if (done.has(e.EventId)) continue;
    if (e.EventType === EventType.TaskScheduled) work.push({ kind: 'activity', id: e.EventId, name: e.Name ?? '', input: e.Input });
    if (e.EventType === EventType.TimerCreated && !record.cancelledTimers.includes(e.EventId)) {
      work.push({ kind: 'timer', id: e.EventId, fireAt: new Date(e.FireAt ?? e.Timestamp) });
    }
  }
  return work;
}
