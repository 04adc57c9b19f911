import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO } from '../../src/local/tenant';
import { principal, startServe, twoRingPlan, type ServeChild } from '../support/serve';

/**
 * Black-box: `npm run serve` (node dist/src/cli/main.js serve) in a child process, driven over real HTTP only: the API,
 * signed Teams webhook calls, the emulated tenant's /_emulator control routes, and a loopback Workflows endpoint that
 * captures the cards.
 */

jest.setTimeout(120_000);

const SECRET = randomBytes(32).toString('base64');
const WORKFLOW_SIG = `sig${randomBytes(12).toString('hex')}`;
const STARTER = DEMO.users.approvers[0] ?? '';
const APPROVER = DEMO.users.approvers[1] ?? '';
const OUTSIDER = DEMO.users.outsider;

let serve: ServeChild;
let api = '';
let tenant = '';
let workflows: Server;
const cards: unknown[] = [];

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(`${api}${path}`, init);
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

interface TeamsOptions {
  from?: string;
  name?: string;
  id?: string;
  timestamp?: Date;
  tenantId?: string;
  signature?: 'good' | 'bad' | 'none';
}

async function teams(text: string, options: TeamsOptions = {}): Promise<{ status: number; text: string }> {
  const activity = {
    type: 'message',
    id: options.id ?? randomUUID(),
    timestamp: (options.timestamp ?? new Date()).toISOString(),
    text: `<at>Rollout</at> ${text}`,
    from: { id: '29:1', name: options.name ?? 'Avery Approver', aadObjectId: options.from ?? APPROVER },
    conversation: { id: '19:channel', conversationType: 'channel', tenantId: options.tenantId ?? DEMO.tenantId },
    channelData: { tenant: { id: options.tenantId ?? DEMO.tenantId }, team: { id: '19:team' }, channel: { id: '19:channel' } },
  };
  const raw = Buffer.from(JSON.stringify(activity));
  const key = options.signature === 'bad' ? randomBytes(32) : Buffer.from(SECRET, 'base64');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.signature !== 'none') headers.authorization = `HMAC ${createHmac('sha256', key).update(raw).digest('base64')}`;
  const response = await fetch(`${api}/teams/webhook`, { method: 'POST', headers, body: raw });
  const json = (await response.json()) as { type: string; text: string };
  expect(json.type).toBe('message');
  return { status: response.status, text: json.text };
}

async function patchCount(): Promise<number> {
  const timeline = (await (await fetch(`${tenant}/_emulator/timeline`)).json()) as unknown[];
  return timeline.length;
}

/** Polls the rollout until `predicate` holds (bounded: 150 polls, 30 s). */
async function waitFor(id: string, predicate: (r: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  let last: Record<string, unknown> = {};
  for (let i = 0; i < 150 && Date.now() < deadline; i++) {
    last = (await call('GET', `/rollouts/${id}`)).json;
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`rollout ${id} never matched; last: ${JSON.stringify(last).slice(0, 500)}`);
}

beforeAll(async () => {
  workflows = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      cards.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => workflows.listen(0, '127.0.0.1', () => r()));
  serve = await startServe({
    ROLLOUT_STATUS_SCHEDULE: '*/1 * * * * *',
    TEAMS_OUTGOING_WEBHOOK_SECRET: SECRET,
    TEAMS_TENANT_ID: DEMO.tenantId,
    TEAMS_NOTIFY_URL: `http://127.0.0.1:${(workflows.address() as AddressInfo).port}/workflows/abc/triggers/manual/run?sig=${WORKFLOW_SIG}`,
    ROLLOUT_APPROVER_IDS: `${STARTER},${APPROVER}`,
  });
  api = `${serve.url}/api`;
  tenant = serve.tenant;
});

afterAll(async () => {
  await serve?.stop();
  await new Promise<void>((r) => workflows.close(() => r()));
});

describe('npm run serve, over HTTP only', () => {
  let rolloutId = '';

  it('refuses bad starts with a specific 4xx and a JSON body that names the problem, changing nothing in the tenant', async () => {
    expect(await call('POST', '/rollouts', 'feature=x', { 'content-type': 'text/plain' })).toMatchObject({ status: 415, json: { error: 'UnsupportedMediaType' } });
    const malformed = await call('POST', '/rollouts', '{"feature":');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.json)).toMatch(/is not valid JSON/);
    const invalid = await call('POST', '/rollouts', { feature: 'displayAppInformation', rings: [{ name: 'p', target: 'nope', soak: 'PT1S' }], colour: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors).toEqual(
      expect.arrayContaining([
        { path: '$.rings[0].target', message: expect.stringMatching(/GUID/) as unknown },
        { path: '$.colour', message: 'is not a plan field' },
      ]),
    );
    expect((await call('POST', '/rollouts', { ...twoRingPlan('displayAppInformation', 'PT2S'), padding: 'x'.repeat(70 * 1024) })).status).toBe(413);
    const noRole = await call('POST', '/rollouts', twoRingPlan('displayAppInformation', 'PT2S'), { 'x-ms-client-principal': principal(OUTSIDER, 'Olive Outsider', []) });
    expect(noRole).toMatchObject({ status: 403, json: { message: 'Olive Outsider needs the app role Rollout.Operator to start a rollout' } });
    expect(await patchCount()).toBe(0);
  });

  it('lets exactly one of several concurrent starts of one feature through (202), the others get 409 with the active rollout id', async () => {
    const headers = { 'x-ms-client-principal': principal(STARTER, 'Sam Starter', ['Rollout.Operator', 'Rollout.Approver']) };
    const results = await Promise.all([1, 2, 3, 4].map(() => call('POST', '/rollouts', twoRingPlan('displayAppInformation', 'PT2S'), headers)));
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(1);
    rolloutId = String(accepted[0]?.json.id);
    expect(rolloutId).toMatch(/^[a-z0-9]{6,12}$/);
    for (const r of results.filter((x) => x.status !== 202)) expect(r).toMatchObject({ status: 409, json: { activeRolloutId: rolloutId } });
    const listed = await call('GET', '/rollouts');
    expect((listed.json.rollouts as Array<{ id: string }>).filter((r) => r.id === rolloutId)).toHaveLength(1);
  });

  it('waits at the pilot checkpoint, and every Teams refusal answers with its status, says why and changes nothing', async () => {
    const waiting = await waitFor(rolloutId, (r) => r.status === 'AwaitingApproval');
    expect(waiting).toMatchObject({ currentRing: 'pilot', enabledTarget: DEMO.groups.pilot });
    const before = await patchCount();
    expect(before).toBe(1);

    expect((await teams(`approve ${rolloutId}`, { signature: 'none' })).status).toBe(401);
    expect((await teams(`approve ${rolloutId}`, { signature: 'bad' })).status).toBe(401);
    const stale = await teams(`approve ${rolloutId}`, { timestamp: new Date(Date.now() - 10 * 60_000) });
    expect(stale.status).toBe(401);
    const replayId = randomUUID();
    expect((await teams(`status ${rolloutId}`, { id: replayId })).status).toBe(200);
    expect((await teams(`approve ${rolloutId}`, { id: replayId })).status).toBe(409);
    expect((await teams(`approve ${rolloutId}`, { tenantId: '00000000-1111-4222-8333-444444444444' })).status).toBe(403);
    const outsider = await teams(`approve ${rolloutId}`, { from: OUTSIDER, name: 'Olive Outsider' });
    expect(outsider.status).toBe(403);
    expect(outsider.text).toMatch(/Olive Outsider is not allowed to approve/);
    const self = await teams(`approve ${rolloutId}`, { from: STARTER, name: 'Sam Starter' });
    expect(self.status).toBe(403);
    expect(self.text).toMatch(/separation of duties/);
    expect((await teams('approve rzzzzzzz')).status).toBe(404);
    const wrongStatus = await teams(`resume ${rolloutId}`);
    expect(wrongStatus.status).toBe(409);
    expect(wrongStatus.text).toMatch(/resume applies only to a rollout that is/);

    expect((await call('POST', '/rollouts/rzzzzzzz/approve')).status).toBe(404);
    expect(await call('POST', `/rollouts/${rolloutId}/resume`)).toMatchObject({ status: 409, json: { status: 'AwaitingApproval' } });
    expect((await call('POST', `/rollouts/${rolloutId}/frobnicate`)).status).toBe(404);
    expect(await patchCount()).toBe(before);
    expect((await call('GET', `/rollouts/${rolloutId}`)).json.status).toBe('AwaitingApproval');
  });

  it('anyone in the channel may ask for status and help', async () => {
    const status = await teams(`status ${rolloutId}`, { from: OUTSIDER, name: 'Olive Outsider' });
    expect(status.status).toBe(200);
    expect(status.text).toContain(`Rollout ${rolloutId} (displayAppInformation): AwaitingApproval.`);
    expect((await teams('help', { from: OUTSIDER })).text).toMatch(/approve <id>/);
  });

  it('an approver approves in Teams, without naming the only waiting rollout, and the rollout completes', async () => {
    const approved = await teams('approve');
    expect(approved).toMatchObject({ status: 200, text: expect.stringMatching(new RegExp(`Approved by Avery Approver: rollout ${rolloutId}`)) as unknown });
    const done = await waitFor(rolloutId, (r) => r.status === 'Completed');
    expect(done.enabledTarget).toBe('all_users');
    expect(await patchCount()).toBe(2);
    const decided = (done.history as Array<{ event: string; actor?: { name: string; via: string } }>).find((e) => e.event === 'Approval.Decided');
    expect(decided?.actor).toMatchObject({ name: 'Avery Approver', via: 'teams' });
  });

  it('posted adaptive cards to the Workflows endpoint for each step, with no secret in them', async () => {
    // The completed card is posted by an activity after the status already says Completed: wait for it (bounded).
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !cards.some((c) => /completed/i.test(JSON.stringify(c)))) await new Promise((r) => setTimeout(r, 100));
    const texts = cards.map((c) => JSON.stringify(c));
    const titles = texts.join('\n');
    expect(titles).toContain(`Rollout ${rolloutId} started`);
    expect(titles).toMatch(/Ring pilot enabled/);
    expect(titles).toMatch(new RegExp(`approve ${rolloutId}`));
    expect(titles).toMatch(/completed/i);
    for (const text of texts) {
      expect(text).toContain('application/vnd.microsoft.card.adaptive');
      expect(text).not.toContain(WORKFLOW_SIG);
      expect(text).not.toContain(SECRET);
    }
  });

  it('detects a change made outside the rollout with the status timer and pauses the rollout, saying what changed', async () => {
    const started = await call('POST', '/rollouts', twoRingPlan('displayLocationInformation', 'PT1H'));
    expect(started.status).toBe(202);
    const id = String(started.json.id);
    await waitFor(id, (r) => r.status === 'Running' && r.enabledTarget === DEMO.groups.pilot && r.currentRing === 'pilot');
    const config = (await (await fetch(`${tenant}/_emulator/config`)).json()) as { featureSettings: Record<string, unknown> };
    // Another administrator's change, as Graph takes it: the whole featureSettings, without number matching.
    const { numberMatchingRequiredState: _enforced, ...others } = config.featureSettings;
    const drifted = {
      '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration',
      featureSettings: {
        ...others,
        displayLocationInformationRequiredState: {
          state: 'enabled',
          includeTarget: { targetType: 'group', id: DEMO.groups.finance },
          excludeTarget: { targetType: 'group', id: '00000000-0000-0000-0000-000000000000' },
        },
      },
    };
    const patched = await fetch(`${tenant}/_emulator/config`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(drifted) });
    expect({ status: patched.status, body: patched.status < 300 ? '' : await patched.text() }).toEqual({ status: expect.any(Number) as unknown, body: '' });
    const paused = await waitFor(id, (r) => r.status === 'Paused');
    expect(paused.message).toMatch(new RegExp(`changed outside the rollout .*enabled for ${DEMO.groups.finance}`));
    expect((await call('POST', `/rollouts/${id}/abort`, { reason: 'drift' })).status).toBe(202);
    await waitFor(id, (r) => r.status === 'RolledBack');
  });
});
