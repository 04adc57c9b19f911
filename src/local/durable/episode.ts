import { randomUUID } from 'node:crypto';
import type { RegisteredFunction } from '../functions-host/registry';
import { outcomeFromFailure, outcomeFromReturn, type OrchestratorOutcome } from './actions';
import { EventType, historyEvent, type HistoryEvent } from './history';
import type { InstanceRecord } from './instance';
import { replayActions, type NewWork, type ShimResult } from './shim';

/** The Azure Storage provider's limits, which the extension passes to out-of-process orchestrators. */
export const MAXIMUM_SHORT_TIMER = '6.00:00:00';
export const LONG_TIMER_INTERVAL = '3.00:00:00';
const DAY_MS = 86_400_000;
export const TIMER_LIMITS = { maximumShortTimerMs: 6 * DAY_MS, longTimerIntervalMs: 3 * DAY_MS };

/** The orchestration trigger input the extension sends (`OrchestrationContextToString`): schema V3 via `upperSchemaVersionNew`. */
export function orchestrationTrigger(record: InstanceRecord, history: HistoryEvent[]): Record<string, unknown> {
  return {
    history,
    input: record.input === undefined ? null : (JSON.parse(record.input) as unknown),
    instanceId: record.instanceId,
    isReplaying: false,
    parentInstanceId: null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: LONG_TIMER_INTERVAL,
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
}

export async function runOrchestrator(fn: RegisteredFunction, record: InstanceRecord, history: HistoryEvent[]): Promise<OrchestratorOutcome> {
  try {
    return outcomeFromReturn(await fn.invoke(orchestrationTrigger(record, history)));
  } catch (error) {
    return outcomeFromFailure(error);
  }
}

export interface EpisodeResult {
  work: NewWork[];
  cancelledTimers: number[];
}

/**
 * One orchestrator episode: delivers the inbox after an OrchestratorStarted stamped `now`, runs the orchestrator on
 * the whole history, replays its actions as the extension does, and commits the new history and status. Events that
 * arrive while the orchestrator runs stay in the inbox (and in every save made meanwhile) for the next episode.
 */
export async function runEpisode(fn: RegisteredFunction, record: InstanceRecord, now: Date): Promise<EpisodeResult> {
  const past = record.history.map((e) => ({ ...e, IsPlayed: true }));
  const taken = record.inbox.length;
  const delivered = [historyEvent(EventType.OrchestratorStarted, now), ...record.inbox.slice(0, taken)];
  const history = [...past, ...delivered];
  const outcome = await runOrchestrator(fn, record, history);
  record.inbox = record.inbox.slice(taken);
  const shim = replayActions(history, outcome.actions, { instanceId: record.instanceId, executionId: record.executionId, ...TIMER_LIMITS });
  const carried = record.statusCarried === true ? record.customStatus : null;
  record.customStatus = outcome.customStatus ?? carried;
  delete record.statusCarried;
  record.lastUpdatedTime = now.toISOString();
  const produced = shim.newWork.map((w) => schedulingEvent(w, record.instanceId, now));
  const failure = shim.problem ?? (outcome.error !== undefined ? `Orchestrator function '${record.name}' failed: ${outcome.error}` : undefined);
  const closing = closeExecution(record, outcome, shim, failure, now);
  record.history = [...history, ...(failure ? [] : produced), ...closing, historyEvent(EventType.OrchestratorCompleted, now)];
  record.cancelledTimers = [...new Set([...record.cancelledTimers, ...shim.cancelledTimers])];
  if (shim.continueAsNew && !failure) {
    restartAsNew(record, shim.continueAsNew.input, shim.continueAsNew.carryover, now);
    // DTFx sends the old execution's messages to other instances (entity calls and signals) but not its activities
    // or timers, which are discarded with its history.
    return { work: shim.newWork.filter((w) => w.kind === 'entity'), cancelledTimers: [] };
  }
  return { work: failure ? [] : shim.newWork, cancelledTimers: shim.cancelledTimers };
}

function closeExecution(record: InstanceRecord, outcome: OrchestratorOutcome, shim: ShimResult, failure: string | undefined, now: Date): HistoryEvent[] {
  if (failure !== undefined) {
    record.runtimeStatus = 'Failed';
    record.output = failure;
    return [historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Failed', Result: failure })];
  }
  if (shim.continueAsNew) {
    return [historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'ContinuedAsNew', Result: shim.continueAsNew.input })];
  }
  if (outcome.isDone) {
    record.runtimeStatus = 'Completed';
    record.output = outcome.output ?? null;
    return [historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Completed', Result: JSON.stringify(outcome.output ?? null) })];
  }
  record.runtimeStatus = 'Running';
  return [];
}

/**
 * ContinueAsNew: a fresh execution with a new execution id and the new input. Nothing of the old history is kept (a
 * count only), so the instance file does not grow with the number of executions. The new execution starts with the
 * carried-over events, then whatever arrived meanwhile; the custom status stays until its first episode.
 */
function restartAsNew(record: InstanceRecord, input: string | undefined, carryover: HistoryEvent[], now: Date): void {
  record.input = input;
  record.executionId = randomUUID().replace(/-/g, '');
  record.history = [];
  record.cancelledTimers = [];
  record.runtimeStatus = 'Running';
  record.continuedAsNew = (record.continuedAsNew ?? 0) + 1;
  record.statusCarried = true;
  record.inbox = [executionStarted(record, now), ...carryover.map((e) => ({ ...e, IsPlayed: false })), ...record.inbox];
}

export function executionStarted(record: InstanceRecord, now: Date): HistoryEvent {
  return historyEvent(EventType.ExecutionStarted, now, {
    Name: record.name,
    ...(record.input !== undefined ? { Input: record.input } : {}),
    OrchestrationInstance: { InstanceId: record.instanceId, ExecutionId: record.executionId },
    ParentInstance: null,
  });
}

function schedulingEvent(work: NewWork, instanceId: string, now: Date): HistoryEvent {
  switch (work.kind) {
    case 'activity':
      return historyEvent(EventType.TaskScheduled, now, { Name: work.name, ...(work.input !== undefined ? { Input: work.input } : {}) }, work.id);
    case 'timer':
      return historyEvent(EventType.TimerCreated, now, { FireAt: work.fireAt.toISOString() }, work.id);
    case 'entity':
      return historyEvent(
        EventType.EventSent,
        now,
        {
          InstanceId: work.target,
          Name: 'op',
          Input: JSON.stringify({ id: work.requestId, op: work.operation, signal: work.signal, input: work.input, parent: instanceId }),
        },
        work.id,
      );
  }
}
