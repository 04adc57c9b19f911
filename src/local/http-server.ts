import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionRegistry } from './functions-host/registry';

/**
 * Serves the registered HTTP triggers under /api the way the Functions host does: route templates with `{param}`
 * segments, the declared methods, the function's response as it returned it. Function keys are not enforced, as with
 * `func start`; App Service Authentication headers are passed through for the role checks.
 */

/** The host buffers at most this much of a request; the functions enforce their own, smaller limits. */
const MAX_REQUEST_BYTES = 1024 * 1024;
/** Past the limit the rest of a body is read and dropped (so the 413 reaches the client) up to this, then cut off. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

interface Route {
  name: string;
  methods: Set<string>;
  pattern: RegExp;
  params: string[];
  /** Literal segments rank before parameters, as in the Functions host's route ordering. */
  literals: number;
}

export interface LocalHttpServer {
  url: string;
  close(): Promise<void>;
}

export function routesOf(registry: FunctionRegistry): Route[] {
  const routes: Route[] = [];
  for (const fn of registry.list()) {
    if (fn.triggerType.toLowerCase() !== 'httptrigger') continue;
    const trigger = Object.values(fn.metadata.bindings).find((b) => b.type.toLowerCase() === 'httptrigger') as { route?: string; methods?: string[] } | undefined;
    const template = (trigger?.route ?? fn.name).replace(/^\/+|\/+$/g, '');
    const params: string[] = [];
    let literals = 0;
    const source = template
      .split('/')
      .map((segment) => {
        const param = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\??\}$/.exec(segment);
        if (param?.[1]) {
          params.push(param[1]);
          return '([^/]+)';
        }
        literals++;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    routes.push({
      name: fn.name,
      methods: new Set((trigger?.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase())),
      pattern: new RegExp(`^/api/${source}/?$`, 'i'),
      params,
      literals,
    });
  }
  return routes.sort((a, b) => b.literals - a.literals);
}

export async function startHttpServer(registry: FunctionRegistry, options: { port: number; host?: string; log?: (line: string) => void }): Promise<LocalHttpServer> {
  const routes = routesOf(registry);
  const server: Server = createServer((request, response) => {
    handle(registry, routes, request, response).catch((error: unknown) => {
      options.log?.(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!response.headersSent) sendJson(response, 500, { error: 'InternalServerError', message: 'the local host could not run the function' });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Bad input is answered here with a specific 4xx and a JSON body naming the problem, before any function runs: a
 * request target that is not a URL, a path with a malformed or non-UTF-8 percent escape, an unknown route (404), a
 * method the route does not declare (405), a body over the limit (413). Bodies are passed on as bytes, as the
 * Functions host does; the function decides what text or JSON they hold.
 */
async function handle(registry: FunctionRegistry, routes: Route[], request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = parseTarget(request);
  if (!url) {
    sendJson(response, 400, { error: 'BadRequest', message: 'the request target is not a valid URL' }, { Connection: 'close' });
    request.resume();
    return;
  }
  const method = (request.method ?? 'GET').toUpperCase();
  const malformed = malformedEscape(url.pathname);
  if (malformed !== undefined) {
    sendJson(response, 400, { error: 'BadRequest', message: `the URL path has a malformed percent escape near "${malformed}"` }, { Connection: 'close' });
    request.resume();
    return;
  }
  const matching = routes.map((route) => ({ route, match: route.pattern.exec(url.pathname) })).filter((m) => m.match !== null);
  const chosen = matching.find((m) => m.route.methods.has(method));
  if (!chosen?.match) {
    const allowed = [...new Set(matching.flatMap((m) => [...m.route.methods]))];
    if (allowed.length > 0) {
      sendJson(response, 405, { error: 'MethodNotAllowed', message: `${method} is not allowed on ${url.pathname}; use ${allowed.join(', ')}` }, { Allow: allowed.join(', ') });
    } else {
      sendJson(response, 404, { error: 'NotFound', message: `no function serves ${url.pathname}` });
    }
    request.resume();
    return;
  }
  const body = await readLimited(request, MAX_REQUEST_BYTES);
  if (body === undefined) {
    sendJson(response, 413, { error: 'PayloadTooLarge', message: `the body is larger than ${MAX_REQUEST_BYTES} bytes` }, { Connection: 'close' });
    return;
  }
  const params: Record<string, string> = {};
  chosen.route.params.forEach((name, index) => {
    params[name] = decodeURIComponent(chosen.match?.[index + 1] ?? '');
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const result = await registry.invokeHttp(chosen.route.name, { method, url: url.toString(), headers, body, params });
  response.writeHead(result.status, result.headers);
  response.end(result.body);
}

/** The body, or undefined when it is over `limit` (declared or actual); the excess is drained, not kept. */
async function readLimited(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length'] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_DRAIN_BYTES) {
      request.destroy();
      return undefined;
    }
    if (size <= limit && declared <= limit) chunks.push(buffer);
  }
  return size > limit || declared > limit ? undefined : Buffer.concat(chunks);
}

function parseTarget(request: IncomingMessage): URL | undefined {
  const target = request.url ?? '/';
  for (const base of [`http://${request.headers.host ?? '127.0.0.1'}`, 'http://127.0.0.1']) {
    try {
      return new URL(target, base);
    } catch {
      // An unusable Host header falls back to the loopback origin; an unusable target is refused by the caller.
    }
  }
  return undefined;
}

/** The first segment whose percent escapes do not decode to UTF-8 text, or undefined when they all do. */
function malformedEscape(pathname: string): string | undefined {
  for (const segment of pathname.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment.slice(0, 60);
    }
  }
  return undefined;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}
