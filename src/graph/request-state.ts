import type { Context, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { GraphError } from './errors';
import type { Operation } from './operations';

/** Why an attempt's signal fired: its own timeout, or the caller cancelled the whole request. */
export type AbortCause = 'timeout' | 'cancelled';

/**
 * Travels with one gateway request through the middleware chain (as a middleware option): what the request is for,
 * and what the chain learnt that the Graph client's own error would lose.
 */
export class RequestState implements MiddlewareOptions {
  attempts = 0;
  /** Attempts that ran out of time. */
  timeouts = 0;
  /** The wait the last retryable answer asked for, in seconds. */
  retryAfterSeconds: number | undefined;
  /** Set when the chain gave up without a Graph answer to report (no token, foreign host, network failure). */
  failure: GraphError | undefined;
  /** Set after a 401: the next attempt asks the credential for a token again, with Graph's claims challenge if it sent one. */
  refreshToken: { claims: string | undefined } | undefined;
  /** `GET /v1.0/groups/<id>`, without the query string: the request as error messages name it. */
  request = '';
  private attempt: { controller: AbortController; timer: NodeJS.Timeout; signal: AbortSignal } | undefined;

  /** The caller's signal: cancels the request, retries and waits included. */
  readonly external: AbortSignal | undefined;
  /** Epoch ms by which a report request must have left the tenant's budget queue. */
  readonly deadline: number | undefined;

  constructor(
    readonly operation: Operation,
    /** One attempt's limit, token acquisition and answer body included (ISO text for messages, and ms). */
    readonly timeout: { iso: string; ms: number },
    call: { signal?: AbortSignal | undefined; deadline?: number | undefined } = {},
  ) {
    this.external = call.signal;
    this.deadline = call.deadline;
  }

  /**
   * A fresh signal for the next attempt: it fires after `timeoutMs` or when the caller aborts. The timer runs until the
   * next attempt or `finish()`, because the Graph client reads the answer's body after the middleware chain returned.
   */
  beginAttempt(): AbortSignal {
    this.finish();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort('timeout' satisfies AbortCause), this.timeout.ms);
    const signal = this.external ? AbortSignal.any([controller.signal, this.external]) : controller.signal;
    this.attempt = { controller, timer, signal };
    return signal;
  }

  get signal(): AbortSignal | undefined {
    return this.attempt?.signal;
  }

  /** Why the current attempt was aborted; undefined while it is not. The caller's cancel wins over a timeout. */
  abortCause(): AbortCause | undefined {
    if (this.external?.aborted) return 'cancelled';
    return this.attempt?.controller.signal.aborted ? 'timeout' : undefined;
  }

  finish(): void {
    if (this.attempt) clearTimeout(this.attempt.timer);
  }
}

export function requestStateOf(context: Context): RequestState {
  const state = context.middlewareControl?.getMiddlewareOptions(RequestState);
  if (!(state instanceof RequestState)) throw new Error('A Graph request was sent without its RequestState: use the gateway, not the client directly.');
  return state;
}

export function urlOf(context: Context): URL {
  const request: unknown = context.request;
  if (typeof request === 'string') return new URL(request);
  if (request instanceof Request) return new URL(request.url);
  throw new Error('A Graph request must name its URL as a string or a Request.');
}

/** Settles like `promise`, or rejects as soon as `signal` fires (for work that may not honour the signal itself). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException(`aborted (${String(reason)})`, 'AbortError');
}
