/**
 * History events with the shapes and numbering the Durable Task extension writes and durable-functions reads.
 * Scheduling events (TaskScheduled, TimerCreated, EventSent) carry the task's sequence number as EventId; every other
 * event has EventId -1, as in DTFx.
 */

export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  Reason?: string;
  Details?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationStatus?: string;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: { OrchestrationInstance: { InstanceId: string } } | null;
}

type Extra = Omit<HistoryEvent, 'EventType' | 'EventId' | 'IsPlayed' | 'Timestamp'>;

export function historyEvent(type: EventType, at: Date, extra: Extra = {}, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: at.toISOString(), ...extra };
}

/** The id of the scheduled task an event completes, if it is a completion event. */
export function completedTaskId(e: HistoryEvent): number | undefined {
  if (e.EventType === EventType.TaskCompleted || e.EventType === EventType.TaskFailed) return e.TaskScheduledId;
  if (e.EventType === EventType.TimerFired) return e.TimerId;
  return undefined;
}
