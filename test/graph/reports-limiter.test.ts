import type { GraphRequestInfo } from '../../src/graph';
import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { gatewayFor, requestsSince, startTenantWithIdentity } from './harness';

/** Graph's identity and access reports allow 5 requests per 10 s per app and tenant; the tenant enforces exactly that. */

let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startTenantWithIdentity();
});

afterAll(async () => {
  await tenant.close();
});

describe('pacing of the identity and access reports', () => {
  it('spaces seven report calls from two gateways of the process so that Graph never throttles them', async () => {
    const seen: GraphRequestInfo[] = [];
    const gateways = [gatewayFor(tenant, { onRequest: (r) => seen.push(r) }), gatewayFor(tenant, { onRequest: (r) => seen.push(r) })];
    const until = new Date();
    const since = new Date(until.getTime() - 3_600_000);
    const count = tenant.control.requests().length;
    const started = Date.now();

    for (let call = 0; call < 7; call++) {
      const gateway = gateways[call % 2]!;
      if (call % 2 === 0) for await (const page of gateway.signIns({ from: since, to: until })) expect(Array.isArray(page)).toBe(true);
      else await gateway.ringCoverage([DEMO.groups.pilot]);
    }

    const elapsed = Date.now() - started;
    const reports = tenant.control.requests().slice(count).filter((r) => /auditLogs|reports/.test(r.path));
    expect(reports).toHaveLength(7);
    expect(reports.every((r) => r.status === 200)).toBe(true);
    expect(requestsSince(tenant, count, 'GET', '').filter((r) => r.status === 429)).toEqual([]);
    expect(seen.filter((r) => r.throttled)).toEqual([]);
    // The sixth report request had to wait for the first to leave the 10 s window.
    expect(elapsed).toBeGreaterThanOrEqual(10_000);
    // ...and only once: a second window would take it past 20 s (the margin is for a loaded machine).
    expect(elapsed).toBeLessThan(19_500);
  }, 40_000);
});
