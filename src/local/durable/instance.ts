import type { HistoryEvent } from './history';

/** Runtime statuses as the durable client parses them. */
export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'Suspended';

export const ACTIVE_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Pending', 'Running', 'Suspended']);

/** Everything the host knows about one orchestration instance; persisted as is. */
export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  /** The input as JSON text (undefined when none). */
  input: string | undefined;
  runtimeStatus: RuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
  customStatus: unknown;
  output: unknown;
  /** Committed history, oldest first. */
  history: HistoryEvent[];
  /** Events received but not yet delivered to the orchestrator (held while suspended). */
  inbox: HistoryEvent[];
  /** Timers the orchestrator cancelled: never fired. */
  cancelledTimers: number[];
  /** Terminate, suspend and resume requests accepted but not yet applied, oldest first (absent in older files). */
  control?: ControlRequest[];
  /** How many executions continueAsNew has started after the first (the only trace kept of earlier executions). */
  continuedAsNew?: number;
  /**
   * Set by continueAsNew: the custom status of the finished execution stays until the new execution's first episode,
   * which replaces it only if it sets one (DTFx `carryOverStatus`).
   */
  statusCarried?: boolean;
  /**
   * Entity operations the last episodes sent, saved with the history that sent them and removed once the entity has
   * them on disk: a host killed in between sends them on restart (a lock release is never lost).
   */
  outbox?: EntityMessage[];
}

/** An operation an orchestration sends to an entity (a call when `caller` is set, else a signal). */
export interface EntityMessage {
  target: string;
  operation: string;
  input: string | undefined;
  requestId: string;
  caller?: { instanceId: string; requestId: string };
}

export interface ControlRequest {
  kind: 'terminate' | 'suspend' | 'resume';
  reason: string;
  at: string;
}

/** Per entity: its state and the operations waiting to run, one batch at a time. */
export interface EntityRecord {
  schedulerId: string;
  name: string;
  key: string;
  exists: boolean;
  /** JSON text, as entities store it. */
  state: string | undefined;
  queue: EntityOperation[];
  lastUpdatedTime: string;
  /** Responses and signals of the last batch, saved with its state and removed once delivered on disk. */
  outbox?: EntityOutboxItem[];
  /** Request ids of the most recent operations run, so one sent again after a crash runs once. */
  seen?: string[];
}

export type EntityOutboxItem =
  | { kind: 'response'; caller: { instanceId: string; requestId: string }; message: { result?: string; exceptionType?: string } }
  | { kind: 'signal'; target: string; operation: string; input: string | undefined };

export interface EntityOperation {
  operation: string;
  input: string | undefined;
  /** Set for operations sent by orchestrations (calls and signals). */
  requestId?: string;
  /** Set for calls: where the response goes. */
  caller?: { instanceId: string; requestId: string };
}

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  showInput?: boolean;
}

export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

export interface ListFilter {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
}

/** The status payload the extension's HTTP API returns (`StatusResponsePayload`): times to the second, then "Z". */
export function statusOf(record: InstanceRecord, options: StatusOptions = {}): InstanceStatus {
  return {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.runtimeStatus,
    input: options.showInput === false || record.input === undefined ? null : (JSON.parse(record.input) as unknown),
    customStatus: record.customStatus ?? null,
    output: record.output ?? null,
    createdTime: toSeconds(record.createdTime),
    lastUpdatedTime: toSeconds(record.lastUpdatedTime),
    ...(options.showHistory ? { historyEvents: record.history.map((e) => friendlyEvent(e, options.showHistoryOutput === true)) } : {}),
  };
}

function toSeconds(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

/** History as the status API shows it: event type names, inputs and results only when asked for. */
function friendlyEvent(e: HistoryEvent, withOutput: boolean): Record<string, unknown> {
  const { EventType: type, Input, Result } = e;
  const rest = Object.fromEntries(Object.entries(e).filter(([k]) => !['EventType', 'IsPlayed', 'Input', 'Result'].includes(k)));
  return {
    ...rest,
    EventType: eventName(type),
    ...(withOutput && Input !== undefined ? { Input } : {}),
    ...(withOutput && Result !== undefined ? { Result } : {}),
  };
}

function eventName(type: number): string {
  const names = [
    'ExecutionStarted', 'ExecutionCompleted', 'ExecutionFailed', 'ExecutionTerminated', 'TaskScheduled', 'TaskCompleted',
    'TaskFailed', 'SubOrchestrationInstanceCreated', 'SubOrchestrationInstanceCompleted', 'SubOrchestrationInstanceFailed',
    'TimerCreated', 'TimerFired', 'OrchestratorStarted', 'OrchestratorCompleted', 'EventSent', 'EventRaised', 'ContinueAsNew',
    'GenericEvent', 'HistoryState', 'ExecutionSuspended', 'ExecutionResumed',
  ];
  return names[type] ?? String(type);
}
