import type { Context, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { GraphError } from './errors';
import type { Operation } from './operations';

/**
 * Travels with one gateway request through the middleware chain (as a middleware option): what the request is for,
 * and what the chain learnt that the Graph client's own error would lose.
 */
export class RequestState implements MiddlewareOptions {
  attempts = 0;
  /** The wait the last retryable answer asked for, in seconds. */
  retryAfterSeconds: number | undefined;
  /** Set when the chain gave up without a Graph answer to report (no token, foreign host, network failure). */
  failure: GraphError | undefined;

  constructor(readonly operation: Operation) {}
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
