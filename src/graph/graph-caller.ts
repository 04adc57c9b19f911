import type { TokenCredential } from '@azure/identity';
import { Client, HTTPMessageHandler, ResponseType, type GraphRequest } from '@microsoft/microsoft-graph-client';
import type { JsonObject } from '../policy/types';
import { BearerTokenMiddleware } from './bearer-middleware';
import type { GraphBase } from './config';
import { foreignHostError, toGatewayError, unexpectedResponse } from './error-mapping';
import type { SlidingWindowLimiter } from './limiter';
import type { Operation } from './operations';
import { RequestState } from './request-state';
import { RetryMiddleware } from './retry-middleware';
import type { ResolvedRetryOptions } from './retry-policy';
import type { ApiVersion, GraphRequestInfo } from './types';

/** A guard against a service that keeps handing out nextLinks: far more pages than any real listing here needs. */
const MAX_PAGES = 10_000;
const API_VERSIONS: readonly string[] = ['v1.0', 'beta'];

export interface GraphCallerOptions {
  base: GraphBase;
  apiVersion: ApiVersion;
  credential: TokenCredential;
  retry: ResolvedRetryOptions;
  reportsLimiter: SlidingWindowLimiter;
  onRequest: ((request: GraphRequestInfo) => void) | undefined;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** The answer is text/plain (e.g. $count). */
  text?: boolean;
}

/** The Graph client with the gateway's middleware chain, and requests that fail with the gateway's typed errors. */
export class GraphCaller {
  private readonly client: Client;
  private readonly bearer: BearerTokenMiddleware;

  constructor(private readonly options: GraphCallerOptions) {
    this.bearer = new BearerTokenMiddleware(options.credential, options.base);
    this.client = Client.initWithMiddleware({
      middleware: [new RetryMiddleware(options.retry, options.reportsLimiter, options.onRequest), this.bearer, new HTTPMessageHandler()],
      baseUrl: options.base.url,
      defaultVersion: options.apiVersion,
    });
  }

  /** GET a path (relative to the version) or an absolute @odata.nextLink on the configured Graph. */
  async get(pathOrLink: string, operation: Operation, call: CallOptions = {}): Promise<unknown> {
    return this.send(operation, (request) => {
      for (const [name, value] of Object.entries(call.headers ?? {})) request.header(name, value);
      if (call.text) request.responseType(ResponseType.TEXT);
      return request.get() as Promise<unknown>;
    }, pathOrLink);
  }

  async patch(path: string, body: JsonObject, operation: Operation): Promise<void> {
    await this.send(operation, (request) => request.patch(body) as Promise<unknown>, path);
  }

  async post(path: string, body: JsonObject, operation: Operation): Promise<unknown> {
    return this.send(operation, (request) => request.post(body) as Promise<unknown>, path);
  }

  /** The items of a collection, page by page, following @odata.nextLink. */
  async *pages(path: string, operation: Operation): AsyncGenerator<JsonObject[]> {
    const seen = new Set<string>();
    let next: string | undefined = path;
    for (let page = 1; next !== undefined; page++) {
      if (page > MAX_PAGES) throw unexpectedResponse(operation, `more than ${MAX_PAGES} pages`);
      const body = await this.get(next, operation);
      const value = isObject(body) ? body.value : undefined;
      if (!Array.isArray(value)) throw unexpectedResponse(operation, 'a collection without a value array');
      yield value.filter(isObject);
      const link = isObject(body) ? body['@odata.nextLink'] : undefined;
      next = typeof link === 'string' && link !== '' ? link : undefined;
      if (next !== undefined && seen.has(next)) throw unexpectedResponse(operation, 'an @odata.nextLink pointing to a page already read');
      if (next !== undefined) seen.add(next);
    }
  }

  private async send(operation: Operation, run: (request: GraphRequest) => Promise<unknown>, pathOrLink: string): Promise<unknown> {
    const state = new RequestState(operation);
    try {
      return await run(this.request(pathOrLink, operation).middlewareOptions([state]));
    } catch (error) {
      throw toGatewayError(error, state, this.bearer.redact, this.options.retry.maxRetryAfterSeconds);
    }
  }

  /**
   * The Graph client mangles absolute http links (it only strips an `https://` host), so an absolute link is split
   * here into version and path after checking that it stays on the configured Graph.
   */
  private request(pathOrLink: string, operation: Operation): GraphRequest {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(pathOrLink)) return this.client.api(pathOrLink);
    const { base } = this.options;
    const url = new URL(pathOrLink);
    if (url.origin !== base.origin || !url.pathname.startsWith(`${base.pathPrefix}/`)) throw foreignHostError(operation, url, base.url);
    const [version, ...segments] = url.pathname.slice(base.pathPrefix.length + 1).split('/');
    if (version === undefined || !API_VERSIONS.includes(version)) {
      throw unexpectedResponse(operation, `a link without an API version (${url.pathname})`);
    }
    return this.client.api(`/${segments.join('/')}${url.search}`).version(version);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
