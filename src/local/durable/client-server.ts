import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DurableHostError } from './errors';
import type { InstanceStatus, ListFilter, RuntimeStatus, StatusOptions } from './instance';

/** The durableClient input binding the extension gives a function (`OrchestrationClientInputData`). */
export interface ClientBinding {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

/** What the endpoints need from the host. */
export interface ClientApi {
  /** These resolve once the request is on disk: the endpoints answer 202 only after that. */
  startNew(name: string, options: { instanceId?: string; input?: unknown }): Promise<string>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<'accepted' | 'gone'>;
  terminate(instanceId: string, reason?: string): Promise<'accepted' | 'gone'>;
  suspend(instanceId: string, reason?: string): Promise<'accepted' | 'gone'>;
  resume(instanceId: string, reason?: string): Promise<'accepted' | 'gone'>;
  purge(instanceId: string): Promise<number>;
  getStatus(instanceId: string, options?: StatusOptions): InstanceStatus | undefined;
  list(filter?: ListFilter, options?: StatusOptions): InstanceStatus[];
  signalEntity(name: string, key: string, operation: string, input: unknown): Promise<void>;
  readEntityState(name: string, key: string): { exists: boolean; state: unknown };
}

export interface ClientServer {
  origin: string;
  close(): Promise<void>;
}

const RPC_PREFIX = '/durabletask/';
const WEBHOOK_PREFIX = '/runtime/webhooks/durabletask/';
const ID = 'INSTANCEID';
const STATUSES: readonly RuntimeStatus[] = ['Pending', 'Running', 'Completed', 'Failed', 'Terminated', 'Suspended'];
/**
 * Statuses the extension accepts in a filter although this engine never reports them: it starts the next execution
 * of a continued instance in the same step, so none is ever seen between two executions.
 */
const FILTER_ONLY_STATUSES: readonly string[] = ['ContinuedAsNew'];
/** Event payloads and inputs; the extension's own limits are far below this on most backends. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function clientBindingFor(origin: string, taskHubName: string): ClientBinding {
  const hook = `${origin}${WEBHOOK_PREFIX.slice(0, -1)}`;
  const query = `taskHub=${taskHubName}&connection=Storage`;
  return {
    taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${hook}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      createAndWaitOnNewInstancePostUri: `${hook}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: {
      id: ID,
      statusQueryGetUri: `${hook}/instances/${ID}?${query}`,
      sendEventPostUri: `${hook}/instances/${ID}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${hook}/instances/${ID}/terminate?reason={text}&${query}`,
      rewindPostUri: `${hook}/instances/${ID}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${hook}/instances/${ID}?${query}`,
      restartPostUri: `${hook}/instances/${ID}/restart?${query}`,
      suspendPostUri: `${hook}/instances/${ID}/suspend?reason={text}&${query}`,
      resumePostUri: `${hook}/instances/${ID}/resume?reason={text}&${query}`,
    },
    baseUrl: hook,
    requiredQueryStringParameters: query,
    rpcBaseUrl: `${origin}${RPC_PREFIX}`,
  };
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Serves the extension's HTTP API as durable-functions' `DurableClient` calls it (with `rpcBaseUrl` set). */
export async function startClientServer(api: ClientApi, pageSize: number): Promise<ClientServer> {
  const server = createServer((req, res) => {
    void handle(api, pageSize, req).then(
      (reply) => send(res, reply),
      (error: unknown) => send(res, errorReply(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(api: ClientApi, pageSize: number, req: IncomingMessage): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://local');
  const prefix = [RPC_PREFIX, WEBHOOK_PREFIX].find((p) => url.pathname.startsWith(p));
  if (!prefix) return { status: 404, body: { error: 'Not a durable task endpoint.' } };
  const parts = url.pathname.slice(prefix.length).split('/').map(decodeSegment);
  const method = req.method ?? 'GET';
  const body = await readBody(req, MAX_BODY_BYTES);
  const q = url.searchParams;
  const [root, a, b, c] = parts;

  if (root === 'orchestrators' && method === 'POST' && a) {
    const id = await api.startNew(a, { ...(b ? { instanceId: b } : {}), input: parseJson(body) });
    return { status: 202, body: managementPayload(id) };
  }
  if (root === 'instances' && !a) {
    if (method === 'GET') return listReply(api, q, req.headers['x-ms-continuation-token'], pageSize);
    if (method === 'DELETE') return purgeMany(api, q);
  }
  if (root === 'instances' && a) {
    if (method === 'GET' && !b) {
      const status = api.getStatus(a, statusOptions(q));
      if (!status) return { status: 404 };
      return { status: ['Pending', 'Running', 'Suspended'].includes(status.runtimeStatus) ? 202 : 200, body: status };
    }
    if (method === 'DELETE' && !b) {
      const deleted = await api.purge(a);
      return deleted === 0 ? { status: 404 } : { status: 200, body: { instancesDeleted: deleted } };
    }
    if (method === 'POST' && b === 'raiseEvent' && c) return outcome(await api.raiseEvent(a, c, parseJson(body)));
    if (method === 'POST' && b === 'terminate') return outcome(await api.terminate(a, q.get('reason') ?? ''));
    if (method === 'POST' && b === 'suspend') return outcome(await api.suspend(a, q.get('reason') ?? ''));
    if (method === 'POST' && b === 'resume') return outcome(await api.resume(a, q.get('reason') ?? ''));
    if (method === 'POST' && b === 'rewind') return { status: 501, body: 'The local durable host does not support rewind.' };
  }
  if (root === 'entities' && a && b !== undefined) {
    if (method === 'GET') {
      const { exists, state } = api.readEntityState(a, b);
      return exists ? { status: 200, body: state } : { status: 404 };
    }
    if (method === 'POST') {
      await api.signalEntity(a, b, q.get('op') ?? '', parseJson(body));
      return { status: 202 };
    }
  }
  return { status: 404, body: { error: `No durable task endpoint for ${method} ${url.pathname}.` } };
}

function outcome(result: 'accepted' | 'gone'): Reply {
  return { status: result === 'accepted' ? 202 : 410 };
}

function statusOptions(q: URLSearchParams): StatusOptions {
  return {
    showHistory: q.get('showHistory') === 'true',
    showHistoryOutput: q.get('showHistoryOutput') === 'true',
    showInput: q.get('showInput') !== 'false',
  };
}

function listFilter(q: URLSearchParams): ListFilter {
  const statuses = (q.get('runtimeStatus') ?? '').split(',').filter(Boolean);
  for (const s of statuses) {
    if (!STATUSES.includes(s as RuntimeStatus) && !FILTER_ONLY_STATUSES.includes(s)) throw new DurableHostError(`"${s}" is not a runtime status.`, 'bad-request');
  }
  const reported = statuses.filter((s): s is RuntimeStatus => STATUSES.includes(s as RuntimeStatus));
  return {
    ...(statuses.length > 0 ? { runtimeStatus: reported } : {}),
    ...(q.get('createdTimeFrom') ? { createdTimeFrom: validDate(q.get('createdTimeFrom') ?? '') } : {}),
    ...(q.get('createdTimeTo') ? { createdTimeTo: validDate(q.get('createdTimeTo') ?? '') } : {}),
  };
}

function listReply(api: ClientApi, q: URLSearchParams, token: string | string[] | undefined, pageSize: number): Reply {
  const all = api.list(listFilter(q), statusOptions(q));
  const start = typeof token === 'string' && /^\d+$/.test(token) ? Number(token) : 0;
  const page = all.slice(start, start + pageSize);
  const next = start + pageSize < all.length ? String(start + pageSize) : undefined;
  return { status: 200, body: page, ...(next ? { headers: { 'x-ms-continuation-token': next } } : {}) };
}

async function purgeMany(api: ClientApi, q: URLSearchParams): Promise<Reply> {
  const finished = api.list(listFilter(q)).filter((s) => !['Pending', 'Running', 'Suspended'].includes(s.runtimeStatus));
  let deleted = 0;
  for (const s of finished) deleted += await api.purge(s.instanceId);
  return deleted === 0 ? { status: 404 } : { status: 200, body: { instancesDeleted: deleted } };
}

function managementPayload(id: string): Record<string, string> {
  return { id };
}

function validDate(text: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new DurableHostError(`"${text}" is not a date.`, 'bad-request');
  return d;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DurableHostError('The request body is not valid JSON.', 'bad-request');
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new DurableHostError(`The path segment "${segment.slice(0, 100)}" has a malformed percent escape.`, 'bad-request');
  }
}

/** Reads the body to the end even past the limit (so the answer reaches the client), keeping at most `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => {
      if (size > limit) return reject(new DurableHostError(`The request body is larger than ${limit} bytes.`, 'too-large'));
      const bytes = Buffer.concat(chunks);
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch {
        reject(new DurableHostError('The request body is not valid UTF-8.', 'bad-request'));
      }
    });
    req.on('error', reject);
  });
}

function errorReply(error: unknown): Reply {
  if (error instanceof DurableHostError) {
    const status = { 'not-found': 404, conflict: 409, gone: 410, 'bad-request': 400, 'too-large': 413 }[error.code];
    return { status, body: { error: error.message } };
  }
  return { status: 500, body: { error: 'The local durable host could not process the request.' } };
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload = '';
  if (reply.body !== undefined) {
    payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    headers['content-type'] = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}
