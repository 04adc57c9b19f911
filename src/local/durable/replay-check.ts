import type { RegisteredFunction } from '../functions-host/registry';
import type { Action } from './actions';
import { runOrchestrator, TIMER_LIMITS } from './episode';
import { EventType, type HistoryEvent } from './history';
import type { InstanceRecord } from './instance';
import { replayActions, type NewWork } from './shim';

export interface ReplayReport {
  deterministic: boolean;
  /** How many episodes (OrchestratorStarted ... OrchestratorCompleted) the history has. */
  episodes: number;
  problems: string[];
}

/** Events the host delivers to an episode; everything else in an episode was written from the orchestrator's answer. */
const DELIVERED = new Set([
  EventType.OrchestratorStarted,
  EventType.ExecutionStarted,
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.TimerFired,
  EventType.EventRaised,
  EventType.ExecutionTerminated,
  EventType.ExecutionSuspended,
  EventType.ExecutionResumed,
]);

/**
 * Replays the orchestrator on every prefix of a history, as each episode saw it, and checks that at each step it asks
 * for exactly the work the history records for that episode, and that its actions only ever grow.
 */
export async function replayPrefixes(fn: RegisteredFunction, record: InstanceRecord): Promise<ReplayReport> {
  const starts = record.history.flatMap((e, i) => (e.EventType === EventType.OrchestratorStarted ? [i] : []));
  const problems: string[] = [];
  let previous: Action[] = [];
  for (const [n, start] of starts.entries()) {
    let end = start + 1;
    while (isDeliveredAt(record.history, end)) end++;
    const seen = record.history.slice(0, end).map((e, i) => ({ ...e, IsPlayed: i < start }));
    const episodeEnd = starts[n + 1] ?? record.history.length;
    const written = record.history.slice(end, episodeEnd);
    const outcome = await runOrchestrator(fn, record, seen);
    const shim = replayActions(seen, outcome.actions, { instanceId: record.instanceId, executionId: record.executionId, ...TIMER_LIMITS });
    const where = `episode ${n + 1} of ${starts.length}`;
    if (shim.problem) problems.push(`${where}: ${shim.problem}`);
    const expected = written.filter(isScheduling).map(describeEvent);
    const asked = shim.newWork.map(describeWork);
    if (!shim.problem && expected.join('|') !== asked.join('|')) {
      problems.push(`${where}: the history records [${expected.join(', ')}] but the orchestrator now asks for [${asked.join(', ')}].`);
    }
    if (!isPrefix(previous, outcome.actions)) problems.push(`${where}: the actions of the previous episode are not a prefix of this one's.`);
    previous = outcome.actions;
  }
  return { deterministic: problems.length === 0, episodes: starts.length, problems };
}

function isDeliveredAt(history: HistoryEvent[], index: number): boolean {
  const e = history[index];
  return e !== undefined && e.EventType !== EventType.OrchestratorStarted && DELIVERED.has(e.EventType);
}

function isScheduling(e: HistoryEvent): boolean {
  return e.EventType === EventType.TaskScheduled || e.EventType === EventType.TimerCreated || e.EventType === EventType.EventSent;
}

function describeEvent(e: HistoryEvent): string {
  if (e.EventType === EventType.TaskScheduled) return `activity #${e.EventId} ${e.Name ?? ''}`;
  if (e.EventType === EventType.TimerCreated) return `timer #${e.EventId}`;
  return `entity #${e.EventId}`;
}

function describeWork(w: NewWork): string {
  if (w.kind === 'activity') return `activity #${w.id} ${w.name}`;
  return `${w.kind} #${w.id}`;
}

/** A cancelled timer is the same action as before it was cancelled. */
function isPrefix(before: Action[], after: Action[]): boolean {
  if (before.length > after.length) return false;
  return before.every((a, i) => JSON.stringify(stripCancel(a)) === JSON.stringify(stripCancel(after[i])));
}

function stripCancel(action: Action | undefined): unknown {
  if (!action) return undefined;
  const rest = Object.fromEntries(Object.entries(action).filter(([k]) => k !== 'isCanceled' && k !== 'compoundActions'));
  return { ...rest, ...(action.compoundActions ? { compoundActions: action.compoundActions.map(stripCancel) } : {}) };
}
