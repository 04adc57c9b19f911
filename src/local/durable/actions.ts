/** The actions durable-functions returns (schema V3, one entry per yield), narrowed from their JSON form. */

export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface Action {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsJson;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  instanceId?: string;
  operation?: string;
  compoundActions?: Action[];
}

/** What an orchestrator episode returned (or carried in its failure). */
export interface OrchestratorOutcome {
  isDone: boolean;
  actions: Action[];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

export function outcomeFromReturn(value: unknown): OrchestratorOutcome {
  if (!isRecord(value) || !Array.isArray(value.actions)) {
    throw new Error('The orchestrator did not return an orchestrator state: is it registered with df.app.orchestration?');
  }
  const first: unknown = value.actions[0];
  return {
    isDone: value.isDone === true,
    actions: Array.isArray(first) ? (first as unknown[]).map(toAction) : [],
    output: value.output,
    ...(typeof value.error === 'string' ? { error: value.error } : {}),
    customStatus: value.customStatus,
  };
}

/** A failed orchestrator throws; the message carries the state after a marker (`OrchestrationFailureError`). */
export function outcomeFromFailure(error: unknown): OrchestratorOutcome & { error: string } {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return { isDone: false, actions: [], error: message };
  // The extension reads the error from the state; the text before the marker is not always the message.
  const state = outcomeFromReturn(JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as unknown);
  return { ...state, error: state.error ?? message.slice(0, at) };
}

function toAction(value: unknown): Action {
  if (!isRecord(value) || typeof value.actionType !== 'number') throw new Error('The orchestrator returned a malformed action.');
  const compound = Array.isArray(value.compoundActions) ? (value.compoundActions as unknown[]).map(toAction) : undefined;
  return { ...(value as unknown as Action), ...(compound ? { compoundActions: compound } : {}) };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
