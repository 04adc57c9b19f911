import { DEMO, startEmulatedTenant, type EmulatedTenant } from '../../../src/local/tenant';
import { CONFIG_PATH, errorOf, graphSession, type GraphSession } from './graph-session';

const TYPE = '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration';
const NOW = new Date('2024-05-06T12:00:00Z');
let tenant: EmulatedTenant;
let graph: GraphSession;

beforeEach(async () => {
  tenant = await startEmulatedTenant({ now: () => NOW, reportsThrottle: false });
  graph = await graphSession(tenant);
});

afterEach(async () => {
  await tenant.close();
});

/** Control calls carry no bearer token: the control API is loopback-only. */
const control = (method: string, path: string, body?: unknown) =>
  fetch(`${tenant.url}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

describe('the HTTP control API under /_emulator', () => {
  it('reads and replaces the stored configuration', async () => {
    const stored = (await (await control('GET', '/config')).json()) as Record<string, unknown>;
    expect(stored.featureSettings).toHaveProperty('numberMatchingRequiredState');
    expect((await control('PUT', '/config', { ...stored, state: 'disabled' })).status).toBe(204);
    expect((await graph.json(`/v1.0${CONFIG_PATH}`)).state).toBe('disabled');
    expect(tenant.control.timeline()).toEqual([]);
  });

  it('applies an admin PATCH (drift) under the Graph rules and lists it in the timeline', async () => {
    const drift = { '@odata.type': TYPE, featureSettings: { displayAppInformationRequiredState: { state: 'disabled' } } };
    expect((await control('PATCH', '/config', drift)).status).toBe(204);
    const timeline = (await (await control('GET', '/timeline')).json()) as { actor: string; at: string }[];
    expect(timeline).toMatchObject([{ actor: 'admin', at: NOW.toISOString() }]);
    const refused = await control('PATCH', '/config', { featureSettings: {} });
    expect((await errorOf(refused)).message).toMatch(/must contain @odata\.type/);
  });

  it('lists Graph requests with method, path without the query, status and time, but not control calls', async () => {
    await graph.call('GET', `/v1.0/groups/${DEMO.groups.pilot}?$select=id`);
    await graph.call('GET', '/v1.0/groups/missing');
    const requests = (await (await control('GET', '/requests')).json()) as unknown[];
    expect(requests).toEqual([
      { method: 'GET', path: '/msi/token', status: 200, at: NOW.toISOString() },
      { method: 'GET', path: `/v1.0/groups/${DEMO.groups.pilot}`, status: 200, at: NOW.toISOString() },
      { method: 'GET', path: '/v1.0/groups/missing', status: 404, at: NOW.toISOString() },
    ]);
  });

  it('injects faults from a JSON list and clears them', async () => {
    expect((await control('POST', '/faults', [{ pathIncludes: '/users', status: 503, retryAfterSeconds: 3, times: 1 }])).status).toBe(204);
    const failed = await graph.call('GET', '/v1.0/users?$top=1');
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([503, '3']);
    expect((await control('POST', '/faults', { status: 500, times: 5 })).status).toBe(204);
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await graph.call('GET', '/v1.0/users?$top=1')).status).toBe(200);
  });

  it('refuses a malformed fault list with a message naming the field', async () => {
    const error = await errorOf(await control('POST', '/faults', [{ status: 418, times: 1 }]));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Invalid faults: 0\.status: /);
  });

  it('adds incidents given with ISO dates, which raise failures in sign-ins', async () => {
    const from = new Date(NOW.getTime() - 24 * 3_600_000);
    const before = tenant.control.signInCount(from, NOW, DEMO.groups.early);
    const incident = { target: DEMO.groups.early, from: from.toISOString(), to: NOW.toISOString(), failureRate: 0.6 };
    expect((await control('POST', '/incidents', incident)).status).toBe(204);
    const after = tenant.control.signInCount(from, NOW, DEMO.groups.early);
    expect(after.signIns).toBe(before.signIns);
    expect(after.failures).toBeGreaterThan(before.failures + 20);
    expect((await control('DELETE', '/incidents')).status).toBe(204);
    expect(tenant.control.signInCount(from, NOW, DEMO.groups.early)).toEqual(before);
  });

  it('refuses an incident on an unknown group with a clear message', async () => {
    const incident = { target: 'ring-9', from: NOW.toISOString(), to: NOW.toISOString(), failureRate: 0.5 };
    expect(await errorOf(await control('POST', '/incidents', incident))).toMatchObject({
      status: 400,
      message: "Incident target 'ring-9' is neither 'all_users' nor a group of this tenant.",
    });
  });

  it('denies and grants permissions', async () => {
    const after = (await (await control('POST', '/permissions', { deny: ['Policy.ReadWrite.AuthenticationMethod'] })).json()) as string[];
    expect(after).not.toContain('Policy.ReadWrite.AuthenticationMethod');
    expect((await graph.call('PATCH', `/v1.0${CONFIG_PATH}`, { body: { '@odata.type': TYPE } })).status).toBe(403);
    await control('POST', '/permissions', { grant: ['Policy.ReadWrite.AuthenticationMethod'] });
    expect((await graph.call('PATCH', `/v1.0${CONFIG_PATH}`, { body: { '@odata.type': TYPE } })).status).toBe(204);
  });

  it('answers an unknown control route with 404 naming it', async () => {
    expect(await errorOf(await control('GET', '/nothing'))).toMatchObject({ status: 404, message: expect.stringContaining("'GET /nothing'") });
  });
});
