import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlRoute } from './control-http';
import { HangingRequest } from './faults';
import { badRequest, graphErrorBody, routeNotFound, TenantRequestError } from './graph-error';
import { graphRoute } from './graph-routes';
import type { Handler, HandlerRequest, HandlerResponse } from './http-types';
import type { TenantState } from './tenant-state';
import type { ApiVersion } from './types';

const MAX_BODY_BYTES = 1_000_000;
const VERSIONS: readonly string[] = ['v1.0', 'beta'];
const INVALID_JSON = 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';

/** Serves the tenant over HTTP on 127.0.0.1 only. Resolves with the listening server's base URL. */
export async function listen(state: TenantState, port: number): Promise<{ url: string; close: () => Promise<void> }> {
  let baseUrl = '';
  const server = createServer((req, res) => {
    handle(state, baseUrl, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(state: TenantState, baseUrl: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', baseUrl);
  const path = url.pathname;
  const requestId = randomUUID();
  const clientRequestId = header(req, 'client-request-id') ?? requestId;
  const isControl = path === '/_emulator' || path.startsWith('/_emulator/');
  let answer: HandlerResponse;
  let retryAfter: number | undefined;
  try {
    const body = await readJson(req);
    const request: HandlerRequest = { method, path, query: url.searchParams, headers: req.headers, body, baseUrl };
    answer = isControl ? controlRoute(state, method, segmentsOf(path).slice(1), request) : serveTenant(state, request);
  } catch (error) {
    if (error instanceof HangingRequest) {
      // Never answered: the caller's own timeout is what ends it (the server closes it on shutdown).
      state.logRequest({ method, path, status: 0, at: state.now().toISOString() });
      return;
    }
    const known = error instanceof TenantRequestError ? error : new TenantRequestError(500, 'generalException', 'An unexpected error occurred while processing the request.');
    retryAfter = known.retryAfterSeconds;
    answer = { status: known.status, json: graphErrorBody(known, requestId, clientRequestId) };
  }
  if (!isControl) state.logRequest({ method, path, status: answer.status, at: state.now().toISOString() });
  const headers: Record<string, string> = { 'request-id': requestId, 'client-request-id': clientRequestId };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if ('json' in answer) {
    headers['content-type'] = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
    res.writeHead(answer.status, headers).end(JSON.stringify(answer.json));
  } else if ('text' in answer) {
    headers['content-type'] = 'text/plain; charset=utf-8';
    res.writeHead(answer.status, headers).end(answer.text);
  } else {
    res.writeHead(answer.status, headers).end();
  }
}

/**
 * The identity endpoint, or Graph with injected faults first (as if the service failed before looking at the
 * request). Faults never hit the identity endpoint: they simulate Graph, and a failing token fetch would hide them.
 */
function serveTenant(state: TenantState, request: HandlerRequest): HandlerResponse {
  if (request.path === '/msi/token') {
    if (request.method !== 'GET') throw methodNotAllowed(request.method);
    const answer = state.tokens.issue(request.query, header(request, 'x-identity-header'));
    return { status: answer.status, json: answer.body };
  }
  const fault = state.faults.take(request.method, request.path);
  if (fault) throw fault;
  const [version, ...segments] = segmentsOf(request.path);
  if (version === undefined || !VERSIONS.includes(version)) throw routeNotFound(version ?? '');
  const appId = state.tokens.authenticate(header(request, 'authorization'));
  const methods = graphRoute(state, version as ApiVersion, segments);
  const handler: Handler | undefined = methods[request.method as keyof typeof methods];
  if (!handler) throw methodNotAllowed(request.method);
  return handler({ ...request, appId });
}

function methodNotAllowed(method: string): TenantRequestError {
  return new TenantRequestError(405, 'Request_BadRequest', `The HTTP method '${method}' is not supported on this resource.`);
}

function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function header(req: { headers: IncomingMessage['headers'] }, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new TenantRequestError(413, 'RequestEntityTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest(INVALID_JSON);
  }
}
