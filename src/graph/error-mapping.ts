import { GraphError as ClientGraphError } from '@microsoft/microsoft-graph-client';
import { GRAPH_SCOPE } from './config';
import {
  GraphCancelledError,
  GraphError,
  GraphNotFoundError,
  GraphPermissionError,
  GraphPolicyRejectedError,
  GraphThrottledError,
  GraphTimeoutError,
} from './errors';
import type { Operation } from './operations';
import type { RequestState } from './request-state';
import { RETRYABLE_STATUSES } from './retry-policy';

/** Turns what went wrong on a Graph call into the gateway's typed errors, with sentences an administrator can act on. */

const MAX_QUOTED_CHARS = 300;

/** Removes secrets from text that came from outside (Graph's messages, credential errors). */
export type Redact = (text: string) => string;

function quoted(text: string, redact: Redact): string {
  const line = redact(text).split(/\r?\n/)[0]?.trim() ?? '';
  return line.length > MAX_QUOTED_CHARS ? `${line.slice(0, MAX_QUOTED_CHARS)}…` : line;
}

function withRequestId(message: string, requestId: string | undefined): string {
  return requestId ? `${message} Graph request id: ${requestId}.` : message;
}

interface Answer {
  status: number;
  code: string;
  graphMessage: string;
  requestId: string | undefined;
}

function answerOf(error: ClientGraphError, redact: Redact): Answer {
  const headerId = error.headers?.get('request-id') ?? undefined;
  const parsed = typeof error.body === 'string' && error.message === '' ? graphErrorBody(error.body) : undefined;
  if (parsed) return { status: error.statusCode, ...parsed, graphMessage: redact(parsed.graphMessage), requestId: parsed.requestId ?? headerId };
  return {
    status: error.statusCode,
    code: error.code ?? 'unknownError',
    graphMessage: redact(error.message),
    requestId: error.requestId ?? headerId,
  };
}

/** A Graph error body the client left as text (it does so when the request asked for a text answer, like $count). */
function graphErrorBody(text: string): Omit<Answer, 'status'> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: 'unknownError', graphMessage: text, requestId: undefined };
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | null)?.error;
  if (typeof error?.code !== 'string') return undefined;
  const requestId = error.innerError?.['request-id'];
  return {
    code: error.code,
    graphMessage: typeof error.message === 'string' ? error.message : '',
    requestId: typeof requestId === 'string' ? requestId : undefined,
  };
}

/** The typed error for a Graph call that failed; `error` is whatever the Graph client threw. */
export function toGatewayError(error: unknown, state: RequestState, redact: Redact, maxRetryAfterSeconds: number, timeout: string): GraphError {
  // The Graph client reads the answer's body after the middleware chain: an abort there surfaces here.
  const aborted = state.abortCause();
  if (aborted !== undefined && !(state.failure instanceof GraphTimeoutError || state.failure instanceof GraphCancelledError)) {
    if (aborted === 'cancelled') return cancelledError(state);
    state.timeouts = Math.max(state.timeouts, 1);
    return timeoutError(state, timeout);
  }
  if (state.failure) return state.failure;
  if (error instanceof GraphError) return error;
  const operation = state.operation;
  const request = state.request;
  if (!(error instanceof ClientGraphError) || error.statusCode <= 0) {
    const reason = quoted(stringField(error, 'message') ?? 'unknown failure', redact);
    return new GraphError(`Could not ${operation.action} through Microsoft Graph (${request}): ${reason}.`, {
      status: 0,
      code: 'clientError',
      graphMessage: '',
      requestId: undefined,
      operation: operation.action,
      request,
    });
  }
  const answer = answerOf(error, redact);
  const details = { ...answer, operation: operation.action, request };
  const said = answer.graphMessage === '' ? `${answer.status} ${answer.code}` : `${answer.status} ${answer.code}: ${quoted(answer.graphMessage, redact)}`;
  if (answer.status === 401) {
    const refreshed = state.refreshToken === undefined ? '' : ', also after asking the credential for a token again';
    return new GraphPermissionError(
      withRequestId(
        `Microsoft Graph did not accept the access token when trying to ${operation.action} (${request} answered ${said}${refreshed}). Check that the managed identity (AZURE_CLIENT_ID) gets tokens for ${GRAPH_SCOPE} and holds the application permission ${operation.permission} with admin consent.`,
        answer.requestId,
      ),
      { ...details, permission: operation.permission },
    );
  }
  if (answer.status === 403) {
    return new GraphPermissionError(
      withRequestId(
        `Microsoft Graph denied permission to ${operation.action} (${request} answered ${said}). Grant the managed identity the Microsoft Graph application permission ${operation.permission} and grant admin consent for it.`,
        answer.requestId,
      ),
      { ...details, permission: operation.permission },
    );
  }
  if (answer.status === 404 && operation.missing) {
    return new GraphNotFoundError(withRequestId(`${operation.missing} (${request} answered ${said})`, answer.requestId), details);
  }
  if (answer.status === 400 && operation.policyWrite) {
    return new GraphPolicyRejectedError(
      withRequestId(`Microsoft Graph refused to ${operation.action}: ${quoted(answer.graphMessage, redact)} (${request} answered ${answer.status} ${answer.code})`, answer.requestId),
      details,
    );
  }
  if (RETRYABLE_STATUSES.includes(answer.status)) return throttled(state, answer, maxRetryAfterSeconds);
  return new GraphError(withRequestId(`Microsoft Graph answered ${said} when trying to ${operation.action} (${request}).`, answer.requestId), details);
}

/** Every attempt the gateway allows ran out of time; the message names the limit and the request, as an operator would search for them. */
export function timeoutError(state: RequestState, timeout: string): GraphTimeoutError {
  const { action } = state.operation;
  const tries = state.attempts <= 1 ? 'the only attempt' : `${state.timeouts} of ${state.attempts} attempts timed out`;
  return new GraphTimeoutError(
    `Microsoft Graph timed out after ${timeout}: ${state.request} (trying to ${action}; ${tries}). Graph or the network did not answer in time; try again later, or raise GRAPH_REQUEST_TIMEOUT.`,
    { status: 0, code: 'timeout', graphMessage: '', requestId: undefined, operation: action, request: state.request, timeout, attempts: state.attempts },
  );
}

export function cancelledError(state: RequestState): GraphCancelledError {
  const { action } = state.operation;
  return new GraphCancelledError(`Cancelled by the caller: ${state.request} (trying to ${action}).`, {
    status: 0,
    code: 'cancelled',
    graphMessage: '',
    requestId: undefined,
    operation: action,
    request: state.request,
  });
}

function throttled(state: RequestState, answer: Answer, maxRetryAfterSeconds: number): GraphThrottledError {
  const { action } = state.operation;
  const reason = answer.status === 429 ? 'throttled the request (429)' : `was unavailable (${answer.status} ${answer.code})`;
  const wait = state.retryAfterSeconds;
  const message =
    wait !== undefined && wait > maxRetryAfterSeconds
      ? `Microsoft Graph ${reason} when trying to ${action} and asked to wait ${wait} s, longer than the ${maxRetryAfterSeconds} s the gateway waits (${state.request}); try again later.`
      : `Microsoft Graph ${reason} on ${state.attempts === 1 ? 'the only attempt' : `all ${state.attempts} attempts`} to ${action} (${state.request}); try again later.`;
  return new GraphThrottledError(withRequestId(message, answer.requestId), {
    ...answer,
    operation: action,
    request: state.request,
    attempts: state.attempts,
    retryAfterSeconds: wait,
  });
}

/** The credential threw or returned nothing: no request left the process. */
export function credentialError(operation: Operation, cause: unknown, redact: Redact): GraphPermissionError {
  const reason =
    cause === undefined
      ? 'the credential returned no access token'
      : `${stringField(cause, 'name') ?? 'Error'}: ${quoted(stringField(cause, 'message') ?? 'unknown failure', redact)}`;
  return new GraphPermissionError(
    `Could not get an access token for Microsoft Graph to ${operation.action} (${reason}). Check the Function App's managed identity: AZURE_CLIENT_ID must name a user-assigned identity assigned to the app.`,
    {
      status: 401,
      code: cause === undefined ? 'noAccessToken' : 'credentialUnavailable',
      graphMessage: '',
      requestId: undefined,
      operation: operation.action,
      permission: operation.permission,
    },
  );
}

/** A URL (typically an @odata.nextLink) pointed away from the configured Graph: the token is never sent there. */
export function foreignHostError(operation: Operation, url: URL, allowed: string): GraphError {
  return new GraphError(
    `Refused to ${operation.action} at ${url.origin}: Microsoft Graph is configured at ${allowed} and the access token is sent nowhere else.`,
    { status: 0, code: 'foreignHost', graphMessage: '', requestId: undefined, operation: operation.action },
  );
}

export function unreachableError(operation: Operation, origin: string, cause: unknown): GraphError {
  // fetch wraps the socket error ("fetch failed", cause: ECONNREFUSED…); errors may come from another realm, so no instanceof.
  const inner = stringField(cause, 'code') === undefined ? (fieldOf(cause, 'cause') ?? cause) : cause;
  const reason = stringField(inner, 'code') ?? stringField(inner, 'message') ?? 'network failure';
  return new GraphError(`Microsoft Graph at ${origin} could not be reached to ${operation.action} (${reason}).`, {
    status: 0,
    code: 'networkError',
    graphMessage: '',
    requestId: undefined,
    operation: operation.action,
  });
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const field = fieldOf(value, key);
  return typeof field === 'string' && field !== '' ? field : undefined;
}

export function unexpectedResponse(operation: Operation, what: string): GraphError {
  return new GraphError(`Microsoft Graph answered with something the gateway cannot read when trying to ${operation.action}: ${what}.`, {
    status: 200,
    code: 'unexpectedResponse',
    graphMessage: '',
    requestId: undefined,
    operation: operation.action,
  });
}
