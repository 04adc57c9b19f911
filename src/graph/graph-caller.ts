import type { TokenCredential } from '@azure/identity';
import { Client, HTTPMessageHandler, ResponseType, type GraphRequest } from '@microsoft/microsoft-graph-client';
import type { JsonObject } from '../policy/types';
import { BearerTokenMiddleware } from './bearer-middleware';
import { graphScopeFor, type GraphBase } from './config';
import { foreignHostError, toGatewayError, unexpectedResponse } from './error-mapping';
import { sharedReportsBudget, tokenTenant, type ReportsBudget } from './limiter';
import type { Operation } from './operations';
import { raceAbort, RequestState } from './request-state';
import { RetryMiddleware } from './retry-middleware';
import type { ResolvedRetryOptions } from './retry-policy';
import type { ApiVersion, GraphRequestInfo, ReportsLimitOptions } from './types';

/** A guard against a service that keeps handing out nextLinks: far more pages than any real listing here needs. */
const MAX_PAGES = 10_000;
const API_VERSIONS: readonly string[] = ['v1.0', 'beta'];

export interface GraphCallerOptions {
  base: GraphBase;
  /** The version of a relative path when the call names none. */
  apiVersion: ApiVersion;
  credential: TokenCredential;
  retry: ResolvedRetryOptions;
  /** One attempt's limit (GRAPH_REQUEST_TIMEOUT). */
  timeout: { iso: string; ms: number };
  reports: ReportsLimitOptions;
  /** A budget given by the caller (e.g. a cross-instance one); otherwise the process's budget for the tenant. */
  reportsBudget: ReportsBudget | undefined;
  /** The tenant the reports limit is counted for, when the caller knows it without a token. */
  tenantId: string | undefined;
  onRequest: ((request: GraphRequestInfo) => void) | undefined;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** The answer is text/plain (e.g. $count). */
  text?: boolean;
  /** The API version of a relative path; default the caller's version. */
  version?: ApiVersion | undefined;
  /** Cancels the request, its retries and waits. */
  signal?: AbortSignal | undefined;
  /** Epoch ms by which a report request must have been sent (see ReportsBudget.acquire). */
  deadline?: number | undefined;
}

/** The Graph client with the gateway's middleware chain, and requests that fail with the gateway's typed errors. */
export class GraphCaller {
  private readonly client: Client;
  private readonly bearer: BearerTokenMiddleware;

  private budget: Promise<ReportsBudget> | undefined;

  constructor(private readonly options: GraphCallerOptions) {
    this.bearer = new BearerTokenMiddleware(options.credential, options.base);
    this.client = Client.initWithMiddleware({
      middleware: [new RetryMiddleware(options.retry, (signal) => raceAbort(this.reportsBudget(), signal), options.onRequest), this.bearer, new HTTPMessageHandler()],
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
    }, pathOrLink, call);
  }

  async patch(path: string, body: JsonObject, operation: Operation, call: CallOptions = {}): Promise<void> {
    await this.send(operation, (request) => request.patch(body) as Promise<unknown>, path, call);
  }

  async post(path: string, body: JsonObject, operation: Operation, call: CallOptions = {}): Promise<unknown> {
    return this.send(operation, (request) => request.post(body) as Promise<unknown>, path, call);
  }

  /**
   * The tenant's report budget. Graph counts the limit per app and tenant, so the key is the tenant: the tenantId
   * option when given, else the token's `tid` (one token request, which the credential caches for the requests that follow).
   * Resolved once; a failure to get a token falls back to the Graph base alone for this call only, and the request's
   * own token acquisition then reports what went wrong.
   */
  reportsBudget(): Promise<ReportsBudget> {
    const { reportsBudget, base, reports, tenantId, credential, timeout } = this.options;
    if (reportsBudget) return Promise.resolve(reportsBudget);
    if (tenantId !== undefined) return Promise.resolve(sharedReportsBudget({ baseUrl: base.url, tenantId }, reports));
    this.budget ??= credential.getToken(graphScopeFor(base), { abortSignal: AbortSignal.timeout(timeout.ms) }).then((token) => {
      if (!token) throw new Error('no token');
      return sharedReportsBudget({ baseUrl: base.url, tenantId: tokenTenant(token.token) }, reports);
    });
    return this.budget.catch(() => {
      this.budget = undefined;
      return sharedReportsBudget({ baseUrl: base.url, tenantId: undefined }, reports);
    });
  }

  /** The items of a collection, page by page, following @odata.nextLink. */
  async *pages(path: string, operation: Operation, call: CallOptions = {}): AsyncGenerator<JsonObject[]> {
    const seen = new Set<string>();
    let next: string | undefined = path;
    for (let page = 1; next !== undefined; page++) {
      if (page > MAX_PAGES) throw unexpectedResponse(operation, `more than ${MAX_PAGES} pages`);
      const body = await this.get(next, operation, call);
      const value = isObject(body) ? body.value : undefined;
      if (!Array.isArray(value)) throw unexpectedResponse(operation, 'a collection without a value array');
      yield value.filter(isObject);
      const link = isObject(body) ? body['@odata.nextLink'] : undefined;
      next = typeof link === 'string' && link !== '' ? link : undefined;
      if (next !== undefined && seen.has(next)) throw unexpectedResponse(operation, 'an @odata.nextLink pointing to a page already read');
      if (next !== undefined) seen.add(next);
    }
  }

  private async send(operation: Operation, run: (request: GraphRequest) => Promise<unknown>, pathOrLink: string, call: CallOptions): Promise<unknown> {
    const state = new RequestState(operation, this.options.timeout, { signal: call.signal, deadline: call.deadline });
    try {
      return await run(this.request(pathOrLink, operation, call.version).middlewareOptions([state]));
    } catch (error) {
      throw toGatewayError(error, state, this.bearer.redact, this.options.retry.maxRetryAfterSeconds, this.options.timeout.iso);
    } finally {
      state.finish();
    }
  }

  /**
   * The Graph client mangles absolute http links (it only strips an `https://` host), so an absolute link is split
   * here into version and path after checking that it stays on the configured Graph.
   */
  private request(pathOrLink: string, operation: Operation, version: ApiVersion | undefined): GraphRequest {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(pathOrLink)) {
      const request = this.client.api(pathOrLink);
      return version === undefined ? request : request.version(version);
    }
    const { base } = this.options;
    const url = new URL(pathOrLink);
    if (url.origin !== base.origin || !url.pathname.startsWith(`${base.pathPrefix}/`)) throw foreignHostError(operation, url, base.url);
    // A nextLink names its own version, which is the one its first page was read with.
    const [linkVersion, ...segments] = url.pathname.slice(base.pathPrefix.length + 1).split('/');
    if (linkVersion === undefined || !API_VERSIONS.includes(linkVersion)) {
      throw unexpectedResponse(operation, `a link without an API version (${url.pathname})`);
    }
    return this.client.api(`/${segments.join('/')}${url.search}`).version(linkVersion);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
