import { GraphInputError, GraphPermissionError } from '../../src/graph';
import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { gatewayFor, rejectionOf, requestsSince, startTenantWithIdentity } from './harness';

/**
 * Sign-in logs and registration details. The tenant's reports throttle is off here and the gateway's pacing is loose,
 * so these tests are about what is counted; reports-limiter.test.ts covers the pacing at Graph's real limit.
 */

const HOUR = 3_600_000;
const LOOSE_LIMIT = { requests: 1000, windowMs: 1000 };
let tenant: EmulatedTenant;
/** A fixed window in the past: sign-ins are generated deterministically per hour, so counts are stable. */
const until = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
const since = new Date(until.getTime() - 6 * 24 * HOUR);

beforeAll(async () => {
  tenant = await startTenantWithIdentity({ reportsThrottle: false });
});

afterEach(() => {
  tenant.control.clearIncidents();
});

afterAll(async () => {
  await tenant.close();
});

const gateway = () => gatewayFor(tenant, { reportsLimit: LOOSE_LIMIT });

describe('sign-in logs', () => {
  async function readAll(window: Parameters<ReturnType<typeof gateway>['signIns']>[0]): Promise<number> {
    let records = 0;
    for await (const page of gateway().signIns(window)) records += page.length;
    return records;
  }

  it('reads a window across several pages, every record created inside it', async () => {
    const count = tenant.control.requests().length;
    let outside = 0;
    let records = 0;
    for await (const page of gateway().signIns({ from: since, to: until })) {
      records += page.length;
      outside += page.filter((r) => typeof r.createdDateTime !== 'string' || Date.parse(r.createdDateTime) < since.getTime() || Date.parse(r.createdDateTime) > until.getTime()).length;
    }
    expect(records).toBeGreaterThan(1000);
    expect(outside).toBe(0);
    expect(requestsSince(tenant, count, 'GET', '/auditLogs/signIns').length).toBeGreaterThan(1);
  });

  it('refuses a window whose start is after its end, before calling Graph', async () => {
    const count = tenant.control.requests().length;
    const error = await rejectionOf(readAll({ from: until, to: since }));
    expect(error).toBeInstanceOf(GraphInputError);
    expect(tenant.control.requests().length).toBe(count);
  });

  it('names AuditLog.Read.All when the identity may not read sign-in logs', async () => {
    tenant.control.denyPermission('AuditLog.Read.All');
    try {
      const error = await rejectionOf(readAll({ from: since, to: until }));
      expect(error).toBeInstanceOf(GraphPermissionError);
      expect(error.message).toContain('AuditLog.Read.All');
      expect(error.message).toContain('read the sign-in logs');
    } finally {
      tenant.control.grantPermission('AuditLog.Read.All');
    }
  });
});

describe('Authenticator push registration coverage', () => {
  it('counts the members of a ring and those of them with Microsoft Authenticator push registered', async () => {
    const push = ['microsoftAuthenticatorPush'];
    const users = [
      tenant.control.addUser({ userPrincipalName: 'reg1@contoso.example', methodsRegistered: push }),
      tenant.control.addUser({ userPrincipalName: 'reg2@contoso.example', methodsRegistered: [...push, 'mobilePhone'] }),
      tenant.control.addUser({ userPrincipalName: 'sms@contoso.example', methodsRegistered: ['mobilePhone'] }),
      tenant.control.addUser({ userPrincipalName: 'none@contoso.example', methodsRegistered: [] }),
    ];
    const inner = tenant.control.addGroup({ displayName: 'Coverage inner', members: [users[0]!.id, users[2]!.id] });
    const outer = tenant.control.addGroup({ displayName: 'Coverage outer', members: [inner.id, users[1]!.id, users[3]!.id] });

    await expect(gateway().ringCoverage([inner.id, outer.id])).resolves.toEqual([
      { target: inner.id, members: 2, registered: 1 },
      { target: outer.id, members: 4, registered: 2 },
    ]);
  });

  it('covers the demo pilot ring, where one of ten users has no push registered', async () => {
    await expect(gateway().ringCoverage([DEMO.groups.pilot])).resolves.toEqual([{ target: DEMO.groups.pilot, members: 10, registered: 9 }]);
  });

  it('covers all_users as every user of the tenant', async () => {
    const [coverage] = await gateway().ringCoverage(['all_users']);
    if (!coverage) throw new Error('no coverage for all_users');
    const members = await gateway().memberCount('all_users');
    expect(coverage.members).toBe(members);
    expect(coverage.registered).toBeGreaterThan(0);
    expect(coverage.registered).toBeLessThan(members);
  });
});
