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
  it('allows 5 report requests per 10 s, then answers 429 TooManyRequests with Retry-After', async () => {
    await start();
    const statuses: number[] = [];
    for (const path of [SIGN_INS, REGISTRATIONS, SIGN_INS, REGISTRATIONS, SIGN_INS]) statuses.push((await graph.call('GET', path)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const throttled = await graph.call('GET', REGISTRATIONS);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(await errorOf(throttled)).toMatchObject({ status: 429, code: 'TooManyRequests' });
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(200);
  });

  it('frees a slot once the window has passed on the real clock, even when the tenant clock stands still', async () => {
    await start({ reportsThrottle: { requests: 2, windowSeconds: 1 }, now: () => new Date('2024-05-06T12:00:00Z') });
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
    const throttled = await graph.call('GET', SIGN_INS);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await graph.call('GET', SIGN_INS)).status).toBe(200);
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
