import { startHttpServer, type LocalHttpServer } from '../../src/local/http-server';
import { DEMO } from '../../src/local/tenant';
import { startHarness, type Harness } from '../rollout/harness';

/**
 * The API as deployed with App Service Authentication (ROLLOUT_REQUIRE_AUTH=true): the app's own HTTP registrations
 * on the local host, called over loopback HTTP with the x-ms-client-principal header App Service Authentication would
 * set. A function key alone (no principal) and a principal without the role are refused on every verb, and the
 * four-eyes rule holds for a signed-in approver.
 */

jest.setTimeout(90_000);

const STARTER = { id: DEMO.users.approvers[0] ?? '', name: 'Sam Starter' };
const APPROVER = { id: DEMO.users.approvers[1] ?? '', name: 'Avery Approver' };
const OPERATOR_ONLY = { id: 'c0c0c0c0-0000-4000-8000-000000000003', name: 'Olga Operator' };
const NO_ROLES = { id: DEMO.users.outsider, name: 'Olive Outsider' };

let harness: Harness;
let server: LocalHttpServer;
let rolloutId = '';
const previous = process.env.ROLLOUT_REQUIRE_AUTH;

function principal(who: { id: string; name: string }, roles: string[]): Record<string, string> {
  const claims = [
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: who.id },
    { typ: 'name', val: who.name },
    ...roles.map((val) => ({ typ: 'roles', val })),
  ];
  return { 'x-ms-client-principal': Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString('base64') };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const PLAN = {
  feature: 'displayAppInformation',
  rings: [
    { name: 'pilot', target: DEMO.groups.pilot, soak: 'PT1H', approval: true },
    { name: 'everyone', target: 'all_users', soak: 'PT1H' },
  ],
  health: { maxFailureRate: 0.5, minSignIns: 1000, interval: 'PT1H' },
};

beforeAll(async () => {
  process.env.ROLLOUT_REQUIRE_AUTH = 'true';
  harness = await startHarness();
  server = await startHttpServer(harness.host.registry, { port: 0 });
  const started = await post('/rollouts', PLAN, principal(STARTER, ['Rollout.Operator', 'Rollout.Approver']));
  expect(started.status).toBe(202);
  rolloutId = String(started.json.id);
  const waiting = await harness.drive(rolloutId, { until: (s) => s.status === 'AwaitingApproval', maxSteps: 50 });
  expect(waiting).toMatchObject({ status: 'AwaitingApproval', currentRing: 'pilot' });
});

afterAll(async () => {
  await server?.close();
  await harness?.close();
  if (previous === undefined) delete process.env.ROLLOUT_REQUIRE_AUTH;
  else process.env.ROLLOUT_REQUIRE_AUTH = previous;
});

const VERBS = [
  { verb: 'approve', role: 'Rollout.Approver' },
  { verb: 'reject', role: 'Rollout.Approver' },
  { verb: 'pause', role: 'Rollout.Operator' },
  { verb: 'resume', role: 'Rollout.Operator' },
  { verb: 'abort', role: 'Rollout.Operator' },
];

describe('with ROLLOUT_REQUIRE_AUTH=true', () => {
  it('refuses a function-key-only caller (no principal) with 401 on start and on every control verb, naming the role', async () => {
    const start = await post('/rollouts', { ...PLAN, feature: 'displayLocationInformation' });
    expect(start.status).toBe(401);
    expect(start.json).toMatchObject({ error: 'Unauthorized', message: expect.stringContaining('Rollout.Operator') as unknown });
    for (const { verb, role } of VERBS) {
      const refused = await post(`/rollouts/${rolloutId}/${verb}`, {});
      expect({ verb, status: refused.status, error: refused.json.error }).toEqual({ verb, status: 401, error: 'Unauthorized' });
      expect(String(refused.json.message)).toContain(role);
      expect(String(refused.json.message)).toMatch(/function key alone is not enough/);
    }
    expect((await harness.status(rolloutId)).status).toBe('AwaitingApproval');
  });

  it('refuses a signed-in caller without the role with 403 on every verb, naming the role', async () => {
    for (const { verb, role } of VERBS) {
      const refused = await post(`/rollouts/${rolloutId}/${verb}`, {}, principal(NO_ROLES, []));
      expect({ verb, status: refused.status, message: refused.json.message }).toEqual({ verb, status: 403, message: `Olive Outsider needs the app role ${role} to ${verb} a rollout` });
    }
  });

  it('refuses an operator without Rollout.Approver with 403 on approve', async () => {
    const refused = await post(`/rollouts/${rolloutId}/approve`, {}, principal(OPERATOR_ONLY, ['Rollout.Operator']));
    expect(refused).toMatchObject({ status: 403, json: { message: 'Olga Operator needs the app role Rollout.Approver to approve a rollout' } });
  });

  it('refuses the approver who started the rollout with 403 (separation of duties)', async () => {
    const refused = await post(`/rollouts/${rolloutId}/approve`, {}, principal(STARTER, ['Rollout.Operator', 'Rollout.Approver']));
    expect(refused).toMatchObject({ status: 403, json: { message: `Sam Starter started rollout ${rolloutId} and cannot also approve it (separation of duties)` } });
    expect((await harness.status(rolloutId)).status).toBe('AwaitingApproval');
  });

  it('accepts another signed-in approver, so the refusals above are about the caller and not the rollout', async () => {
    const accepted = await post(`/rollouts/${rolloutId}/approve`, { reason: 'pilot looks fine' }, principal(APPROVER, ['Rollout.Approver']));
    expect(accepted.status).toBe(202);
    await harness.host.idle();
    const after = await harness.status(rolloutId);
    expect(after.history.some((h) => h.actor?.name === 'Avery Approver')).toBe(true);
  });
});
