import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO } from '../../src/local/tenant';
import { principal, startServe, type ServeChild } from '../support/serve';

/**
 * Black-box: control that is never lost. `serve` runs in a child process in real time; the test talks HTTP only (the
 * API, signed Teams calls, the emulated tenant's fault injection) and measures from the abort's 202 to the end state.
 * The bounds are the (15 s; the request timeout + 15 s for a hang; 60 s for errors that cannot heal), which a
 * loaded machine still meets because nothing in them waits for a backoff.
 */

jest.setTimeout(180_000);

const SECRET = randomBytes(32).toString('base64');
const APPROVER = DEMO.users.approvers[1] ?? '';
const OPERATOR = { 'x-ms-client-principal': principal('d0d0d0d0-0000-4000-8000-000000000001', 'Dana Operator', ['Rollout.Operator']) };
const REQUEST_TIMEOUT_S = 3;
const ABORT_BOUND_MS = 15_000;

let serve: ServeChild;
let api = '';
let tenant = '';
let stateDir = '';
let workflows: Server;
/** While set, Workflows posts are held (a slow Teams endpoint); released at the end. */
let holdCards = false;
const held: ServerResponse[] = [];

function plan(feature: string, options: { pilotSoak?: string; approval?: boolean } = {}): Record<string, unknown> {
  return {
    feature,
    rings: [
      { name: 'pilot', target: DEMO.groups.pilot, soak: options.pilotSoak ?? 'PT60S', approval: options.approval ?? false },
      { name: 'everyone', target: 'all_users', soak: 'PT1S' },
    ],
    approvalTimeout: 'P1D',
    health: { interval: 'PT1S' },
  };
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...OPERATOR, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function emulator(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${tenant}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

async function timeline(): Promise<Array<{ at: string; after: Record<string, unknown> }>> {
  return (await emulator('GET', '/timeline')) as Array<{ at: string; after: Record<string, unknown> }>;
}

/** Polls until `predicate` holds (bounded: 600 polls and `ms`). */
async function waitFor(id: string, predicate: (r: Record<string, unknown>) => boolean, ms = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms;
  let last: Record<string, unknown> = {};
  for (let i = 0; i < 600 && Date.now() < deadline; i++) {
    last = (await call('GET', `/rollouts/${id}`)).json;
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`rollout ${id} never matched in ${ms} ms; last: ${JSON.stringify(last).slice(0, 600)}`);
}

const FINAL = new Set(['Completed', 'RolledBack', 'Failed']);
const ended = (r: Record<string, unknown>): boolean => FINAL.has(String(r.status));

async function start(feature: string, options: Parameters<typeof plan>[1] = {}): Promise<string> {
  const started = await call('POST', '/rollouts', plan(feature, options));
  expect(started.status).toBe(202);
  return String(started.json.id);
}

/** Sends abort and measures from its 202 to the end state. */
async function abortAndTime(id: string): Promise<{ ms: number; final: Record<string, unknown>; abortedAt: number }> {
  const abortedAt = Date.now();
  const answer = await call('POST', `/rollouts/${id}/abort`, { reason: 'operator abort' });
  expect(answer.status).toBe(202);
  const final = await waitFor(id, ended, 90_000);
  return { ms: Date.now() - abortedAt, final, abortedAt };
}

/** PATCHes the tenant accepted after `since` that left a ring enabled (the rollback leaves none). */
async function enablesAfter(since: number): Promise<number> {
  return (await timeline()).filter((t) => Date.parse(t.at) > since && JSON.stringify(t.after).includes(DEMO.groups.early)).length;
}

/** serve on this test's state directory: started again on the same one after a kill -9. */
async function startServing(): Promise<void> {
  serve = await startServe(
    {
      ROLLOUT_MIN_HEALTH_INTERVAL: 'PT1S',
      GRAPH_REQUEST_TIMEOUT: `PT${REQUEST_TIMEOUT_S}S`,
      TEAMS_OUTGOING_WEBHOOK_SECRET: SECRET,
      TEAMS_TENANT_ID: DEMO.tenantId,
      TEAMS_NOTIFY_URL: `http://127.0.0.1:${(workflows.address() as AddressInfo).port}/workflows/run?sig=${randomBytes(8).toString('hex')}`,
      ROLLOUT_APPROVER_IDS: APPROVER,
    },
    { stateDir },
  );
  api = `${serve.url}/api`;
  tenant = serve.tenant;
}

async function teams(text: string, id = randomUUID()): Promise<{ status: number; text: string }> {
  const activity = {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    text: `<at>Rollout</at> ${text}`,
    from: { id: '29:1', name: 'Avery Approver', aadObjectId: APPROVER },
    conversation: { id: '19:channel', conversationType: 'channel', tenantId: DEMO.tenantId },
    channelData: { tenant: { id: DEMO.tenantId } },
  };
  const raw = Buffer.from(JSON.stringify(activity));
  const signature = createHmac('sha256', Buffer.from(SECRET, 'base64')).update(raw).digest('base64');
  const response = await fetch(`${api}/teams/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `HMAC ${signature}` }, body: raw });
  return { status: response.status, text: ((await response.json()) as { text: string }).text };
}

beforeAll(async () => {
  workflows = createServer((request, response) => {
    request.resume();
    request.on('end', () => (holdCards ? held.push(response) : response.writeHead(202).end()));
  });
  await new Promise<void>((r) => workflows.listen(0, '127.0.0.1', () => r()));
  stateDir = await mkdtemp(join(tmpdir(), 'control-e2e-'));
  await startServing();
});

afterAll(async () => {
  for (const response of held.splice(0)) response.writeHead(202).end();
  await serve?.stop();
  await new Promise<void>((r) => workflows.close(() => r()));
  await rm(stateDir, { recursive: true, force: true });
});

afterEach(async () => {
  await emulator('DELETE', '/faults');
  holdCards = false;
  for (const response of held.splice(0)) response.writeHead(202).end();
});

describe('an abort always wins, quickly, whatever the rollout is doing', () => {
  it('during a health check that Graph keeps answering 503: rolled back within 15 s, no ring enabled after the abort', async () => {
    const id = await start('displayAppInformation');
    await waitFor(id, (r) => r.enabledTarget === DEMO.groups.pilot && r.health !== null);
    await emulator('POST', '/faults', [{ method: 'GET', pathIncludes: '/auditLogs/signIns', status: 503, retryAfterSeconds: 2, times: 1000 }]);
    await new Promise((r) => setTimeout(r, 1500));
    const { ms, final, abortedAt } = await abortAndTime(id);
    expect(final).toMatchObject({ status: 'RolledBack', enabledTarget: null });
    expect(String(final.message)).toMatch(/aborted by Dana Operator: operator abort/);
    expect(ms).toBeLessThan(ABORT_BOUND_MS);
    expect(await enablesAfter(abortedAt)).toBe(0);
  });

  it('during preflight under a 503 storm: pause holds it, abort ends it with nothing written', async () => {
    const before = (await timeline()).length;
    await emulator('POST', '/faults', [{ method: 'GET', pathIncludes: 'MicrosoftAuthenticator', status: 503, retryAfterSeconds: 1, times: 1000 }]);
    const id = await start('displayLocationInformation');
    await new Promise((r) => setTimeout(r, 1000));
    const pausedAt = Date.now();
    expect((await call('POST', `/rollouts/${id}/pause`, { reason: 'hold on' })).status).toBe(202);
    await waitFor(id, (r) => r.status === 'Paused', ABORT_BOUND_MS);
    expect(Date.now() - pausedAt).toBeLessThan(ABORT_BOUND_MS);
    const { ms, final } = await abortAndTime(id);
    expect(final.status).toBe('RolledBack');
    expect(String(final.message)).toMatch(/Nothing was written/);
    expect(ms).toBeLessThan(ABORT_BOUND_MS);
    expect((await timeline()).length).toBe(before);
  });

  it('during a swap whose PATCH keeps failing, and its retry backoff: rolled back within 15 s', async () => {
    await emulator('POST', '/faults', [{ method: 'PATCH', status: 500, times: 1000 }]);
    const id = await start('companionApp');
    await waitFor(id, (r) => Array.isArray(r.history) && (r.history as Array<{ event: string }>).some((e) => e.event === 'Ring.Enabling'));
    await new Promise((r) => setTimeout(r, 1500));
    // The rollback's own requests succeed: the storm is over for it.
    const aborting = abortAndTime(id);
    await emulator('DELETE', '/faults');
    const { ms, final, abortedAt } = await aborting;
    expect(final.status).toBe('RolledBack');
    expect(ms).toBeLessThan(ABORT_BOUND_MS);
    expect(await enablesAfter(abortedAt)).toBe(0);
  });

  it('during a Teams notification that does not answer: rolled back within 15 s', async () => {
    holdCards = true;
    const id = await start('displayAppInformation', { pilotSoak: 'PT120S' });
    for (let i = 0; i < 100 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(held.length).toBeGreaterThan(0);
    const { ms, final } = await abortAndTime(id);
    expect(final.status).toBe('RolledBack');
    expect(ms).toBeLessThan(ABORT_BOUND_MS);
  });

  it('while a Graph request hangs: ended within the request timeout + 15 s', async () => {
    await emulator('POST', '/faults', [{ method: 'PATCH', status: 'hang', times: 1 }]);
    const id = await start('displayLocationInformation');
    await waitFor(id, (r) => Array.isArray(r.history) && (r.history as Array<{ event: string }>).some((e) => e.event === 'Ring.Enabling'));
    const { ms, final } = await abortAndTime(id);
    expect(final.status).toBe('RolledBack');
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_S * 1000 + ABORT_BOUND_MS);
    expect((await emulator('GET', '/config')) as Record<string, unknown>).toBeDefined();
  });
});

describe('errors that cannot heal end the rollout at once', () => {
  it.each([
    [403, /403/],
    [401, /401/],
  ])('Graph answering %i to everything: Failed within 60 s, naming the status and the request, nothing written', async (status, named) => {
    const before = (await timeline()).length;
    await emulator('POST', '/faults', [{ status, times: 1000 }]);
    const startedAt = Date.now();
    const id = await start('displayAppInformation');
    const final = await waitFor(id, ended, 60_000);
    expect(Date.now() - startedAt).toBeLessThan(60_000);
    expect(final.status).toBe('Failed');
    expect(String(final.message)).toMatch(named);
    expect(String(final.message)).toMatch(/GET \/v1\.0\/policies\/authenticationMethodsPolicy|MicrosoftAuthenticator/);
    expect(String(final.message)).toMatch(/Nothing was changed/);
    expect((await timeline()).length).toBe(before);
  });
});

describe('decisions survive restarts and are bound to their ring', () => {
  it('refuses a decision for another ring than the open checkpoint, naming both', async () => {
    const id = await start('displayAppInformation', { pilotSoak: 'PT1S', approval: true });
    await waitFor(id, (r) => r.status === 'AwaitingApproval');
    const wrong = await call('POST', `/rollouts/${id}/approve`, { ring: 'everyone' }, { 'x-ms-client-principal': principal(APPROVER, 'Avery Approver', ['Rollout.Approver']) });
    expect(wrong.status).toBe(409);
    expect(wrong.json).toMatchObject({ currentRing: 'pilot' });
    expect(String(wrong.json.message)).toMatch(/ring everyone .* waiting for approval of ring pilot/);
    expect((await teams(`approve ${id} everyone`)).status).toBe(409);
    expect((await call('POST', `/rollouts/${id}/abort`)).status).toBe(202);
    await waitFor(id, ended);
  });

  it('acts on an approval answered 202 just before the host was killed, and refuses the same signed Teams activity after the restart', async () => {
    const id = await start('displayLocationInformation', { pilotSoak: 'PT1S', approval: true });
    await waitFor(id, (r) => r.status === 'AwaitingApproval');
    const statusActivity = randomUUID();
    expect((await teams(`status ${id}`, statusActivity)).status).toBe(200);
    const approved = await call('POST', `/rollouts/${id}/approve`, { ring: 'pilot' }, { 'x-ms-client-principal': principal(APPROVER, 'Avery Approver', ['Rollout.Approver']) });
    expect(approved.status).toBe(202);
    await serve.kill('SIGKILL');
    await startServing();
    const final = await waitFor(id, ended, 90_000);
    expect(final.status).toBe('Completed');
    expect(JSON.stringify(final.history)).toContain('Approved by Avery Approver');
    const replay = await teams(`status ${id}`, statusActivity);
    expect(replay.status).toBe(409);
    expect(replay.text).toMatch(/already received/);
  });
});

describe('every URL and body is decoded defensively', () => {
  /** A small deterministic generator, so that a failure names a reproducible input. */
  function* fuzz(count: number, seed: number): Generator<unknown> {
    let state = seed;
    const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
    const atoms: unknown[] = [null, true, 0, -1, 1e308, 'x'.repeat(70_000), '%E0%A4%A', '<script>', { __proto__: { polluted: 1 } }, [], {}, 'all_users', '../../etc'];
    const value = (depth: number): unknown =>
      depth > 3 || next() < 0.4
        ? pick(atoms)
        : next() < 0.5
          ? Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1))
          : Object.fromEntries(
              Array.from({ length: Math.floor(next() * 4) }, () => [pick(['feature', 'rings', 'health', 'reason', 'ring', '__proto__', 'constructor', 'text', 'type']), value(depth + 1)]),
            );
    for (let i = 0; i < count; i++) yield value(0);
  }

  // Deep nesting, written as text: JSON.stringify itself would overflow its stack on it.
  const NESTED = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;

  it('answers a few hundred malformed paths, methods and bodies with a JSON 4xx, no stack trace and no secret', async () => {
    const paths = ['/rollouts/%', '/rollouts/%E0%A4%A', '/rollouts/abc%zz/approve', '/rollouts/r2345678/%FF', '/nope', '/rollouts/r2345678/approve/extra', '/teams/webhook%', '/dashboard/%'];
    const requests: Array<{ method: string; path: string; body?: string; headers?: Record<string, string> }> = [];
    for (const path of paths) for (const method of ['GET', 'POST', 'DELETE', 'PUT']) requests.push({ method, path });
    let i = 0;
    for (const body of fuzz(120, 7)) {
      const text = i % 10 === 0 ? NESTED : JSON.stringify(body);
      requests.push({ method: 'POST', path: '/rollouts', body: text });
      requests.push({ method: 'POST', path: `/rollouts/r2345678/${i % 2 ? 'approve' : 'abort'}`, body: text });
      requests.push({ method: 'POST', path: '/teams/webhook', body: text, headers: { authorization: 'HMAC bm90LWEtc2lnbmF0dXJl' } });
      i++;
    }
    const problems: string[] = [];
    for (const r of requests) {
      const response = await fetch(`${api}${r.path}`, {
        method: r.method,
        headers: { 'content-type': 'application/json', ...OPERATOR, ...r.headers },
        ...(r.body !== undefined && r.method !== 'GET' ? { body: r.body } : {}),
      });
      const text = await response.text();
      const where = `${r.method} ${r.path} ${String(r.body).slice(0, 80)}`;
      if (response.status >= 500) problems.push(`${response.status} for ${where}: ${text.slice(0, 200)}`);
      if (/\n\s+at |Error: /.test(text)) problems.push(`a stack trace for ${where}`);
      if (text.includes(SECRET) || /sig=/.test(text)) problems.push(`a secret for ${where}`);
      if (response.status >= 400 && !/^[[{]/.test(text.trim())) problems.push(`no JSON body for ${where}: ${text.slice(0, 80)}`);
    }
    expect(problems).toEqual([]);
    expect(requests.length).toBeGreaterThan(300);
  });
});
