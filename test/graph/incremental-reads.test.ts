import type { JsonObject } from '../../src/policy/types';
import { createGraphGateway, estimateSignInRead, GraphInputError, type GraphGateway, type SignInWindow } from '../../src/graph';
import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { fixedCredential, gatewayFor, rejectionOf, requestsSince, startTenantWithIdentity, tokenFor } from './harness';
import { graphJson, startLoopback } from './loopback';

/**
 * What a health check and preflight read at scale: a window of raw sign-in records (tenant-wide or per user, by the
 * stated cost estimate) and the registration details once for every ring. The tenant's reports throttle is off and
 * the pacing loose: reports-budget.test.ts covers the pacing.
 */

const HOUR = 3_600_000;
const LOOSE_LIMIT = { requests: 1000, windowMs: 1000 };
let tenant: EmulatedTenant;
const to = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
const from = new Date(to.getTime() - 2 * 24 * HOUR);

beforeAll(async () => {
  tenant = await startTenantWithIdentity({ reportsThrottle: false });
});

afterAll(async () => {
  await tenant.close();
});

const gateway = (): GraphGateway => gatewayFor(tenant, { reportsLimit: LOOSE_LIMIT });

async function collect(g: GraphGateway, window: SignInWindow): Promise<JsonObject[]> {
  const records: JsonObject[] = [];
  for await (const page of g.signIns(window)) records.push(...page);
  return records;
}

describe('the cost estimate of a sign-in window', () => {
  it('reads tenant-wide unless one query per member costs fewer requests', () => {
    // A 100,000-user tenant logs about 300,000 MFA sign-ins a day: 12,500 in an hour, 3,125 in 15 minutes.
    expect(estimateSignInRead({ tenantRecords: 12_500, users: 50 })).toEqual({ mode: 'tenantWide', tenantWideRequests: 13, perUserRequests: 50 });
    expect(estimateSignInRead({ tenantRecords: 12_500, users: 5 })).toEqual({ mode: 'perUser', tenantWideRequests: 13, perUserRequests: 5 });
    // A day's window: 300 pages tenant-wide, so a 50-user pilot is far cheaper read user by user.
    expect(estimateSignInRead({ tenantRecords: 300_000, users: 50, ringRecords: 150 })).toMatchObject({ mode: 'perUser', tenantWideRequests: 300, perUserRequests: 50 });
    // A ring's own volume adds pages to the per-user reads.
    expect(estimateSignInRead({ tenantRecords: 300_000, users: 250, ringRecords: 60_000 }).perUserRequests).toBe(310);
    // Equal cost: one tenant-wide query. all_users: tenant-wide only. An empty window still costs its one request.
    expect(estimateSignInRead({ tenantRecords: 3_000, users: 3 }).mode).toBe('tenantWide');
    expect(estimateSignInRead({ tenantRecords: 300_000, users: null })).toMatchObject({ mode: 'tenantWide', perUserRequests: Infinity });
    expect(estimateSignInRead({ tenantRecords: 0, users: 10 })).toMatchObject({ mode: 'tenantWide', tenantWideRequests: 1 });
  });
});

describe('a window of sign-in records', () => {
  it("yields the ring's MFA records of the window, the same whether read tenant-wide or per user", async () => {
    const members = await gateway().memberIds(DEMO.groups.pilot);
    if (members === null) throw new Error('the pilot is a group');
    const expected = tenant.control.signInCount(from, to, DEMO.groups.pilot).signIns;

    let count = tenant.control.requests().length;
    const tenantWide = await collect(gateway(), { from, to, userIds: members });
    const tenantWideRequests = requestsSince(tenant, count, 'GET', '/auditLogs/signIns').length;
    count = tenant.control.requests().length;
    // A large tenant volume makes the ten per-user reads the cheaper way.
    const perUser = await collect(gateway(), { from, to, userIds: members, expectedTenantRecords: 100_000 });
    const perUserRequests = requestsSince(tenant, count, 'GET', '/auditLogs/signIns').length;

    expect(expected).toBeGreaterThan(0);
    expect(tenantWide).toHaveLength(expected);
    expect(perUser).toHaveLength(expected);
    expect(new Set(perUser.map((r) => r.id))).toEqual(new Set(tenantWide.map((r) => r.id)));
    expect(tenantWide.every((r) => typeof r.userId === 'string' && members.has(r.userId))).toBe(true);
    expect(perUserRequests).toBe(members.size);
    expect(tenantWideRequests).toBeGreaterThanOrEqual(1);
  });

  it('yields every record of the tenant when no ring is named, and all requirements when mfaOnly is false', async () => {
    const all = await collect(gateway(), { from, to });
    const everything = await collect(gateway(), { from, to, mfaOnly: false });

    expect(all).toHaveLength(tenant.control.signInCount(from, to).signIns);
    expect(everything.length).toBeGreaterThan(all.length);
    expect(everything.some((r) => r.authenticationRequirement === 'singleFactorAuthentication')).toBe(true);
    expect(all.every((r) => r.authenticationRequirement === 'multiFactorAuthentication')).toBe(true);
  });

  it('refuses a reversed window before calling Graph', async () => {
    const count = tenant.control.requests().length;
    const error = await rejectionOf(collect(gateway(), { from: to, to: from }));
    expect(error).toBeInstanceOf(GraphInputError);
    expect(error.message).toContain('signIns needs from <= to');
    expect(tenant.control.requests().length).toBe(count);
  });

  it('sends the date range and userId filters Graph documents, $top=1000, never $select, and follows nextLink', async () => {
    const seen: URL[] = [];
    const graph = await startLoopback((req, res) => {
      const url = new URL(req.url ?? '/', 'http://loopback');
      seen.push(url);
      const next = url.searchParams.get('$skiptoken') === null ? `http://${req.headers.host ?? ''}${url.pathname}${url.search}&$skiptoken=2` : undefined;
      graphJson(res, 200, { value: [{ id: `r${seen.length}`, userId: 'u-1' }], ...(next ? { '@odata.nextLink': next } : {}) });
    });
    try {
      const g = createGraphGateway({ baseUrl: graph.url, credential: fixedCredential(() => tokenFor('t')), reportsLimit: LOOSE_LIMIT });
      const window = { from: new Date('2026-11-30T08:00:00Z'), to: new Date('2026-11-30T08:15:00Z') };

      const records = await collect(g, { ...window, userIds: ["u-1", "o'brien"], expectedTenantRecords: 50_000 });

      expect(records.map((r) => r.id)).toEqual(['r1', 'r2', 'r3', 'r4']);
      expect(seen.map((u) => u.pathname)).toEqual(Array(4).fill('/v1.0/auditLogs/signIns'));
      expect(seen.every((u) => !u.searchParams.has('$select') && u.searchParams.get('$top') === '1000')).toBe(true);
      expect(seen[0]?.searchParams.get('$filter')).toBe(
        "createdDateTime ge 2026-11-30T08:00:00.000Z and createdDateTime le 2026-11-30T08:15:00.000Z and authenticationRequirement eq 'multiFactorAuthentication' and userId eq 'u-1'",
      );
      expect(seen[2]?.searchParams.get('$filter')).toContain("userId eq 'o''brien'");
    } finally {
      await graph.close();
    }
  });
});

describe('registration details for every ring at once', () => {
  it('reads the registration report once for any number of rings, with the same coverage as one read per ring', async () => {
    const targets = [DEMO.groups.pilot, DEMO.groups.early, 'all_users'];
    const perRing: Array<{ members: number; registered: number }> = [];
    for (const target of targets) {
      const [one] = await gateway().ringCoverage([target]);
      if (one) perRing.push({ members: one.members, registered: one.registered });
    }
    const count = tenant.control.requests().length;

    const coverage = await gateway().ringCoverage(targets);

    expect(requestsSince(tenant, count, 'GET', '/reports/authenticationMethods/userRegistrationDetails')).toHaveLength(1);
    expect(coverage).toEqual(targets.map((target, i) => ({ target, ...perRing[i] })));
    expect(coverage[0]).toEqual({ target: DEMO.groups.pilot, members: 10, registered: 9 });
  });

  it('answers coverage of any member set from one read', async () => {
    const registrations = await gateway().pushRegistrations();
    const pilot = await gateway().memberIds(DEMO.groups.pilot);
    if (pilot === null) throw new Error('the pilot is a group');

    expect(registrations.coverageOf(pilot, 0)).toEqual({ members: 10, registered: 9 });
    expect(registrations.coverageOf(null, 500)).toEqual({ members: 500, registered: registrations.userIds.size });
  });
});
