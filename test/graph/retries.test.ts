import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphGateway, GraphError, GraphThrottledError, type GraphRequestInfo } from '../../src/graph';
import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { planEnable, verifyWrite } from '../../src/policy';
import { fixedCredential, gatewayFor, rejectionOf, requestsSince, startTenantWithIdentity, tokenFor } from './harness';

const CONFIG = 'MicrosoftAuthenticator';
let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startTenantWithIdentity();
});

afterEach(() => {
  tenant.control.clearFaults();
});

afterAll(async () => {
  await tenant.close();
});

describe('retries', () => {
  it('waits out two 429s with Retry-After: 1 and succeeds on the third attempt, reporting each attempt', async () => {
    const seen: GraphRequestInfo[] = [];
    const gateway = gatewayFor(tenant, { onRequest: (r) => seen.push(r) });
    tenant.control.injectFaults([{ method: 'GET', pathIncludes: CONFIG, status: 429, retryAfterSeconds: 1, times: 2 }]);
    const count = tenant.control.requests().length;
    const started = Date.now();

    const config = await gateway.readConfig();

    expect(config.id).toBe(CONFIG);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(requestsSince(tenant, count, 'GET', CONFIG).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(seen.map((r) => [r.attempt, r.status, r.throttled])).toEqual([
      [1, 429, true],
      [2, 429, true],
      [3, 200, false],
    ]);
    expect(seen.every((r) => !r.path.includes('?') && r.durationMs >= 0)).toBe(true);
  });

  it('retries the policy PATCH too, and the tenant records a single change', async () => {
    const gateway = gatewayFor(tenant);
    const before = await gateway.readConfig();
    const planned = planEnable(before, 'displayAppInformation', DEMO.groups.early);
    tenant.control.injectFaults([{ method: 'PATCH', pathIncludes: CONFIG, status: 429, retryAfterSeconds: 1, times: 1 }]);
    const count = tenant.control.requests().length;
    const timeline = tenant.control.timeline().length;

    await gateway.writeConfig(planned.body, (readBack) => verifyWrite(before, planned, readBack));

    expect(requestsSince(tenant, count, 'PATCH', CONFIG).map((r) => r.status)).toEqual([429, 204]);
    expect(tenant.control.timeline()).toHaveLength(timeline + 1);
  });

  it('retries a 503 without Retry-After after a short backoff', async () => {
    const gateway = gatewayFor(tenant, { retry: { baseDelayMs: 20 } });
    tenant.control.injectFaults([{ pathIncludes: '/groups/', status: 503, times: 1 }]);
    const count = tenant.control.requests().length;

    await expect(gateway.memberCount(DEMO.groups.pilot)).resolves.toBe(10);

    expect(requestsSince(tenant, count, 'GET', '/groups/').map((r) => r.status)).toEqual([503, 200]);
  });

  it('gives up on a persistent 503 after the default four attempts with a GraphThrottledError', async () => {
    const gateway = gatewayFor(tenant, { retry: { baseDelayMs: 10 } });
    tenant.control.injectFaults([{ pathIncludes: '/groups/', status: 503, times: 50 }]);
    const count = tenant.control.requests().length;

    const error = await rejectionOf(gateway.memberIds(DEMO.groups.early));

    expect(error).toBeInstanceOf(GraphThrottledError);
    expect(error).toMatchObject({ status: 503, attempts: 4 });
    expect(error.message).toContain('on all 4 attempts to list the members of group');
    expect(requestsSince(tenant, count, 'GET', '/groups/')).toHaveLength(4);
  });

  it('honours a configured attempt bound and retries 504 as well', async () => {
    const gateway = gatewayFor(tenant, { retry: { maxAttempts: 2, baseDelayMs: 10 } });
    tenant.control.injectFaults([{ pathIncludes: '/groups/', status: 504, times: 50 }]);
    const count = tenant.control.requests().length;

    await expect(gateway.getGroup(DEMO.groups.pilot)).rejects.toMatchObject({ name: 'GraphThrottledError', status: 504, attempts: 2 });

    expect(requestsSince(tenant, count, 'GET', '/groups/')).toHaveLength(2);
  });

  it('does not retry other failures such as a 500', async () => {
    const gateway = gatewayFor(tenant, { retry: { baseDelayMs: 10 } });
    tenant.control.injectFaults([{ pathIncludes: CONFIG, status: 500, times: 2 }]);
    const count = tenant.control.requests().length;

    const error = await rejectionOf(gateway.readConfig());

    expect(error).toBeInstanceOf(GraphError);
    expect(error).not.toBeInstanceOf(GraphThrottledError);
    expect(error).toMatchObject({ status: 500, code: 'generalException' });
    expect(requestsSince(tenant, count, 'GET', CONFIG)).toHaveLength(1);
  });

  it('fails at once, saying how long Graph asked to wait, when Retry-After exceeds what the gateway waits', async () => {
    const gateway = gatewayFor(tenant, { retry: { maxRetryAfterSeconds: 5 } });
    tenant.control.injectFaults([{ pathIncludes: CONFIG, status: 429, retryAfterSeconds: 30, times: 1 }]);
    const started = Date.now();

    const error = await rejectionOf(gateway.readConfig());

    // At once: far less than the 30 s Graph asked for (the bound leaves room for a loaded machine).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toMatchObject({ name: 'GraphThrottledError', status: 429, attempts: 1, retryAfterSeconds: 30 });
    expect(error.message).toContain('asked to wait 30 s');
  });

  it('reports a Graph that cannot be reached as a GraphError naming the host, without retrying', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    const seen: GraphRequestInfo[] = [];
    const gateway = createGraphGateway({ baseUrl: closedUrl, credential: fixedCredential(() => tokenFor('t')), onRequest: (r) => seen.push(r) });

    const error = await rejectionOf(gateway.readConfig());

    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 0, code: 'networkError' });
    expect(error.message).toBe(`Microsoft Graph at ${closedUrl} could not be reached to read the Microsoft Authenticator configuration (ECONNREFUSED).`);
    expect(seen.map((r) => [r.attempt, r.status])).toEqual([[1, 0]]);
  });
});
