import { GraphInputError, GraphPermissionError, MFA_FAILURE_CODES } from '../../src/graph';
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

describe('MFA sign-ins of a ring', () => {
  it("counts only the ring's members' MFA sign-ins within [since, until], across several pages", async () => {
    const count = tenant.control.requests().length;

    const ring = await gateway().mfaSignIns(DEMO.groups.early, since, until);
    const everyone = await gateway().mfaSignIns('all_users', since, until);

    expect(ring).toMatchObject(tenant.control.signInCount(since, until, DEMO.groups.early));
    expect(everyone).toMatchObject(tenant.control.signInCount(since, until));
    expect(ring.signIns).toBeGreaterThan(0);
    expect(ring.signIns).toBeLessThan(everyone.signIns);
    expect(ring.pages).toBeGreaterThanOrEqual(3);
    expect(requestsSince(tenant, count, 'GET', '/auditLogs/signIns')).toHaveLength(ring.pages + everyone.pages);
  });

  it('adds up failures by error code, counting only the MFA failure codes', async () => {
    const totals = await gateway().mfaSignIns('all_users', since, until);

    const byCode = Object.entries(totals.failuresByCode);
    expect(byCode.length).toBeGreaterThan(0);
    expect(byCode.every(([code]) => MFA_FAILURE_CODES.includes(Number(code)))).toBe(true);
    expect(byCode.reduce((sum, [, n]) => sum + n, 0)).toBe(totals.failures);
  });

  it('does not count an incident that ended before `since`', async () => {
    const baseline = await gateway().mfaSignIns(DEMO.groups.pilot, since, until);
    tenant.control.addIncident({ target: DEMO.groups.pilot, from: new Date(since.getTime() - 12 * HOUR), to: new Date(since.getTime() - 1), failureRate: 1 });

    const after = await gateway().mfaSignIns(DEMO.groups.pilot, since, until);

    expect(after).toEqual(baseline);
  });

  it('counts an incident inside the window: every sign-in of the ring in it fails', async () => {
    const from = new Date(until.getTime() - 2 * 24 * HOUR);
    const baseline = await gateway().mfaSignIns(DEMO.groups.pilot, since, until);
    const duringIncident = tenant.control.signInCount(from, until, DEMO.groups.pilot).signIns;
    tenant.control.addIncident({ target: DEMO.groups.pilot, from, to: until, failureRate: 1, errorCode: 500121 });

    const after = await gateway().mfaSignIns(DEMO.groups.pilot, since, until);

    expect(duringIncident).toBeGreaterThan(0);
    expect(after.signIns).toBe(baseline.signIns);
    expect(after.failures).toBeGreaterThan(baseline.failures);
    expect(after.failures).toBeGreaterThanOrEqual(duringIncident);
    expect(after.failuresByCode['500121']).toBeGreaterThanOrEqual(duringIncident);
    expect(after).toMatchObject(tenant.control.signInCount(since, until, DEMO.groups.pilot));
  });

  it('refuses a window whose since is after its until, before calling Graph', async () => {
    const count = tenant.control.requests().length;
    const error = await rejectionOf(gateway().mfaSignIns(DEMO.groups.pilot, until, since));
    expect(error).toBeInstanceOf(GraphInputError);
    expect(error.message).toContain('since <= until');
    expect(tenant.control.requests().length).toBe(count);
  });

  it('names AuditLog.Read.All when the identity may not read sign-in logs', async () => {
    tenant.control.denyPermission('AuditLog.Read.All');
    try {
      const error = await rejectionOf(gateway().mfaSignIns('all_users', since, until));
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

    await expect(gateway().pushRegistrationCoverage(inner.id)).resolves.toEqual({ members: 2, registered: 1 });
    await expect(gateway().pushRegistrationCoverage(outer.id)).resolves.toEqual({ members: 4, registered: 2 });
  });

  it('covers the demo pilot ring, where one of ten users has no push registered', async () => {
    await expect(gateway().pushRegistrationCoverage(DEMO.groups.pilot)).resolves.toEqual({ members: 10, registered: 9 });
  });

  it('covers all_users as every user of the tenant', async () => {
    const coverage = await gateway().pushRegistrationCoverage('all_users');
    const members = await gateway().memberCount('all_users');
    expect(coverage.members).toBe(members);
    expect(coverage.registered).toBeGreaterThan(0);
    expect(coverage.registered).toBeLessThan(members);
  });
});
