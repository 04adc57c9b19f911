import { startEmulatedTenant, type EmulatedTenant, type TenantOptions } from '../../../src/local/tenant';
import { CONFIG_PATH, errorOf, graphSession, type GraphSession } from './graph-session';

let tenant: EmulatedTenant;
let graph: GraphSession;

async function start(options: TenantOptions = {}): Promise<void> {
  tenant = await startEmulatedTenant(options);
  graph = await graphSession(tenant);
}

afterEach(async () => {
  await tenant.close();
});

const SIGN_INS = "/v1.0/auditLogs/signIns?$filter=authenticationRequirement eq 'multiFactorAuthentication'&$top=10";
const REGISTRATIONS = '/beta/reports/authenticationMethods/userRegistrationDetails?$top=10';

describe('the identity and access reports limit', () => {
  it("allows 5 report requests per 10 s, then answers 429 with Retry-After and the reports service's text", async () => {
    await start();
    const statuses: number[] = [];
    for (const path of [SIGN_INS, REGISTRATIONS, SIGN_INS, REGISTRATIONS, SIGN_INS]) statuses.push((await graph.call('GET', path)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const throttled = await graph.call('GET', REGISTRATIONS);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    const error = await errorOf(throttled);
    expect(error).toMatchObject({ status: 429, code: 'UnknownError' });
    expect(error.message).toMatch(/^This request is throttled\. Please try again after the value specified in the Retry-After header\. CorrelationId: [0-9a-f-]{36}$/);
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(200);
  });

  it('measures the window on the tenant clock: a virtual clock frees slots when it moves, not when real time passes', async () => {
    let clock = Date.parse('2024-05-06T12:00:00Z');
    await start({ reportsThrottle: { requests: 2, windowSeconds: 10 }, now: () => new Date(clock) });
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
    clock += 4_000;
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
    const throttled = await graph.call('GET', SIGN_INS);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('6');
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await graph.call('GET', SIGN_INS)).status).toBe(429);
    clock += 6_000;
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
  });

  it('can measure on the real clock instead, for a virtual clock that stands still while a client waits', async () => {
    await start({ reportsThrottle: { requests: 2, windowSeconds: 1, clock: 'real' }, now: () => new Date('2024-05-06T12:00:00Z') });
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
    const throttled = await graph.call('GET', SIGN_INS);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
  });

  it('gives each app (client id) its own budget in the tenant', async () => {
    await start({ reportsThrottle: { requests: 1, windowSeconds: 10 } });
    const other = await fetch(`${tenant.identityEndpoint}?api-version=2019-08-01&resource=https://graph.microsoft.com&client_id=0c4e9f2a-7b1d-4e3c-9a5f-2d8b6c1e0f47`, {
      headers: { 'X-IDENTITY-HEADER': tenant.identityHeader },
    });
    const otherToken = ((await other.json()) as { access_token: string }).access_token;
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
    expect((await graph.call('GET', SIGN_INS)).status).toBe(429);
    const asOther = await fetch(`${tenant.url}${SIGN_INS}`, { headers: { authorization: `Bearer ${otherToken}` } });
    expect(asOther.status).toBe(200);
  });

  it('counts report requests and throttled answers, on the tenant and on /_emulator/reports/stats', async () => {
    await start({ reportsThrottle: { requests: 2, windowSeconds: 10 }, now: () => new Date('2024-05-06T12:00:00Z') });
    for (const path of [SIGN_INS, REGISTRATIONS, SIGN_INS, REGISTRATIONS]) await graph.call('GET', path);
    await graph.call('GET', `/v1.0${CONFIG_PATH}`);
    expect(tenant.control.reportStats()).toEqual({ requests: 4, throttled: 2, retryAfterSeconds: 20 });
    const stats = await fetch(`${tenant.url}/_emulator/reports/stats`);
    expect(await stats.json()).toEqual({ requests: 4, throttled: 2, retryAfterSeconds: 20 });
    expect((await fetch(`${tenant.url}/_emulator/reports/stats`, { method: 'DELETE' })).status).toBe(204);
    expect(tenant.control.reportStats()).toEqual({ requests: 0, throttled: 0, retryAfterSeconds: 0 });
  });
});

describe('fault injection', () => {
  it('answers injected 429s with Retry-After and Graph error JSON, then recovers', async () => {
    await start();
    tenant.control.injectFaults([{ method: 'GET', pathIncludes: 'MicrosoftAuthenticator', status: 429, retryAfterSeconds: 2, times: 2 }]);
    const first = await graph.call('GET', `/v1.0${CONFIG_PATH}`);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(await errorOf(first)).toMatchObject({ status: 429, code: 'TooManyRequests' });
    expect((await graph.call('GET', '/v1.0/users?$top=1')).status).toBe(200);
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(429);
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(200);
    expect(tenant.control.requests().map((r) => r.status)).toEqual([200, 429, 200, 429, 200]);
  });

  it('answers 503 with Retry-After and 504 without, only for the matching method', async () => {
    await start({ faults: [{ method: 'PATCH', status: 503, retryAfterSeconds: 1, times: 1 }] });
    tenant.control.injectFaults([{ pathIncludes: '/groups/', status: 504, times: 1 }]);
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(200);
    const body = { '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration', state: 'enabled' };
    const unavailable = await graph.call('PATCH', `/v1.0${CONFIG_PATH}`, { body });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('1');
    expect((await graph.call('PATCH', `/v1.0${CONFIG_PATH}`, { body })).status).toBe(204);
    const timeout = await graph.call('GET', '/v1.0/groups/anything');
    expect(timeout.status).toBe(504);
    expect(timeout.headers.get('retry-after')).toBeNull();
    expect(tenant.control.timeline()).toHaveLength(1);
  });

  it('never injects faults into the managed identity endpoint, so tokens still come', async () => {
    await start();
    tenant.control.injectFaults([{ status: 503, retryAfterSeconds: 1, times: 5 }]);
    const session = await graphSession(tenant);
    expect(session.token.length).toBeGreaterThan(20);
    expect((await session.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(503);
  });

  it('stops injecting after clearFaults', async () => {
    await start();
    tenant.control.injectFaults([{ status: 500, times: 100 }]);
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(500);
    tenant.control.clearFaults();
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(200);
  });
});
