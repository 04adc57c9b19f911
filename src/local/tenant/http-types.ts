import type { IncomingHttpHeaders } from 'node:http';
import type { JsonValue } from '../../policy/types';

export interface HandlerRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when there is none. */
  body: unknown;
  baseUrl: string;
  /** The client id of the caller's token (set once the request is authenticated). */
  appId?: string;
}

export type HandlerResponse =
  | { status: number; json: JsonValue | object }
  | { status: number; text: string }
  | { status: 204 };

export type Handler = (request: HandlerRequest) => HandlerResponse;
