import { DEMO, MFA_FAILURE_CODES, startEmulatedTenant, type EmulatedTenant } from '../../../src/local/tenant';
import { errorOf, graphSession, type Collection, type GraphSession } from './graph-session';

interface SignIn {
  id: string;
  createdDateTime: string;
  userId: string;
  userPrincipalName: string;
  authenticationRequirement: string;
  status: { errorCode: number; failureReason: string };
  authenticationDetails: { authenticationMethod: string; succeeded: boolean; authenticationStepResultDetail: string }[];
}

const NOW = new Date('2024-05-06T12:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const mfaFilter = (from: number, to: number) =>
  `createdDateTime ge ${iso(from)} and createdDateTime le ${iso(to)} and authenticationRequirement eq 'multiFactorAuthentication'`;

let clock = NOW.getTime();
let tenant: EmulatedTenant;
let graph: GraphSession;

beforeEach(async () => {
  clock = NOW.getTime();
  tenant = await startEmulatedTenant({ now: () => new Date(clock), reportsThrottle: false });
  graph = await graphSession(tenant);
});

afterEach(async () => {
  await tenant.close();
});

/** Every page of a sign-in query (bounded). */
async function signIns(filter: string, top = 1000): Promise<{ items: SignIn[]; pages: number }> {
  const items: SignIn[] = [];
  let next: string | undefined = `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=${top}`;
  let pages = 0;
  while (next !== undefined && pages < 100) {
    const page: Collection<SignIn> = await graph.json<Collection<SignIn>>(next);
    items.push(...page.value);
    next = page['@odata.nextLink'];
    pages++;
  }
  return { items, pages };
}

const failureShare = (items: SignIn[]) => items.filter((s) => s.status.errorCode !== 0).length / items.length;

describe('sign-in logs', () => {
  it('pages MFA sign-ins newest first through absolute nextLinks, each once, inside the filter window', async () => {
    const from = NOW.getTime() - 48 * HOUR;
    const { items, pages } = await signIns(mfaFilter(from, NOW.getTime()), 200);
    expect(pages).toBeGreaterThan(3);
    expect(new Set(items.map((s) => s.id)).size).toBe(items.length);
    const times = items.map((s) => Date.parse(s.createdDateTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(from);
    expect(items.every((s) => s.authenticationRequirement === 'multiFactorAuthentication')).toBe(true);
    expect(items.length).toBe(tenant.control.signInCount(new Date(from), NOW).signIns);
  });

  it('links the next page absolutely on the same host, keeping the filter with spaces as %20', async () => {
    const filter = mfaFilter(NOW.getTime() - 24 * HOUR, NOW.getTime());
    const first = await graph.json<Collection<SignIn>>(`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=10`);
    const link = new URL(first['@odata.nextLink']!);
    expect(link.origin + link.pathname).toBe(`${tenant.url}/v1.0/auditLogs/signIns`);
    expect(link.search).not.toContain('+');
    expect(link.searchParams.get('$filter')).toBe(filter);
    expect(link.searchParams.get('$top')).toBe('10');
  });

  it('gives each sign-in the fields the product reads', async () => {
    const { items } = await signIns(mfaFilter(NOW.getTime() - 24 * HOUR, NOW.getTime()));
    const failed = items.find((s) => s.status.errorCode !== 0)!;
    expect(failed).toMatchObject({
      userId: expect.any(String),
      userPrincipalName: expect.stringMatching(/@contoso\.example$/),
      authenticationDetails: [{ authenticationMethod: 'Mobile app notification', succeeded: false }],
    });
    expect(MFA_FAILURE_CODES).toContain(failed.status.errorCode);
    const succeeded = items.find((s) => s.status.errorCode === 0)!;
    expect(succeeded.authenticationDetails[0]).toMatchObject({ succeeded: true, authenticationStepResultDetail: 'MFA successfully completed' });
  });

  it('never shows a sign-in after the tenant clock, and shows new ones as the clock moves on', async () => {
    const filter = mfaFilter(NOW.getTime() - 6 * HOUR, NOW.getTime() + 24 * HOUR);
    const before = await signIns(filter);
    expect(Math.max(...before.items.map((s) => Date.parse(s.createdDateTime)))).toBeLessThanOrEqual(NOW.getTime());
    clock += 3 * HOUR;
    const after = await signIns(filter);
    const newer = after.items.filter((s) => Date.parse(s.createdDateTime) > NOW.getTime());
    expect(newer.length).toBeGreaterThan(0);
    expect(after.items.length).toBe(before.items.length + newer.length);
  });

  it('answers the same sign-ins for the same window every time', async () => {
    const filter = mfaFilter(NOW.getTime() - 12 * HOUR, NOW.getTime());
    const first = await signIns(filter);
    const second = await signIns(filter, 50);
    expect(second.items).toEqual(first.items);
  });

  it('keeps sign-ins for 30 days only, as Graph does', async () => {
    const { items } = await signIns(`createdDateTime ge ${iso(NOW.getTime() - 40 * 24 * HOUR)} and userId eq '${DEMO.users.pilotUser}'`);
    const oldest = Math.min(...items.map((s) => Date.parse(s.createdDateTime)));
    expect(oldest).toBeGreaterThanOrEqual(NOW.getTime() - 30 * 24 * HOUR);
    expect(oldest).toBeLessThan(NOW.getTime() - 29 * 24 * HOUR);
  });

  it("filters on one user's sign-ins", async () => {
    const user = DEMO.users.pilotUser;
    const { items } = await signIns(`userId eq '${user}' and createdDateTime ge ${iso(NOW.getTime() - 7 * 24 * HOUR)}`);
    expect(items.length).toBeGreaterThan(5);
    expect(items.every((s) => s.userId === user && s.userPrincipalName === 'adele.vance@contoso.example')).toBe(true);
  });

  it('fails about 2% of MFA sign-ins outside incidents', async () => {
    const { signIns: total, failures } = tenant.control.signInCount(new Date(NOW.getTime() - 7 * 24 * HOUR), NOW);
    expect(total).toBeGreaterThan(3000);
    expect(failures / total).toBeGreaterThan(0.01);
    expect(failures / total).toBeLessThan(0.035);
  });

  it("raises the failure rate only for the target's members and only inside the incident window", async () => {
    const start = NOW.getTime() - 48 * HOUR;
    const end = NOW.getTime() - 12 * HOUR;
    tenant.control.addIncident({ target: DEMO.groups.pilot, from: new Date(start), to: new Date(end), failureRate: 0.9, errorCode: 500121 });
    const pilotUsers = new Set((await graph.json<Collection<{ id: string }>>(`/v1.0/groups/${DEMO.groups.pilot}/transitiveMembers/microsoft.graph.user?$select=id`)).value.map((u) => u.id));
    const { items } = await signIns(mfaFilter(NOW.getTime() - 96 * HOUR, NOW.getTime()));
    const inWindow = (s: SignIn) => Date.parse(s.createdDateTime) >= start && Date.parse(s.createdDateTime) <= end;
    const pilotInside = items.filter((s) => pilotUsers.has(s.userId) && inWindow(s));
    const pilotOutside = items.filter((s) => pilotUsers.has(s.userId) && !inWindow(s));
    const othersInside = items.filter((s) => !pilotUsers.has(s.userId) && inWindow(s));
    expect(pilotInside.length).toBeGreaterThan(20);
    expect(failureShare(pilotInside)).toBeGreaterThan(0.75);
    expect(pilotInside.filter((s) => s.status.errorCode !== 0).every((s) => s.status.errorCode === 500121)).toBe(true);
    expect(failureShare(pilotOutside)).toBeLessThan(0.1);
    expect(failureShare(othersInside)).toBeLessThan(0.05);
  });

  it('forgets incidents on clearIncidents', async () => {
    const window = { from: new Date(NOW.getTime() - 24 * HOUR), to: NOW };
    const baseline = tenant.control.signInCount(window.from, window.to, 'all_users');
    tenant.control.addIncident({ target: 'all_users', ...window, failureRate: 0.5 });
    expect(tenant.control.signInCount(window.from, window.to).failures).toBeGreaterThan(baseline.failures * 5);
    tenant.control.clearIncidents();
    expect(tenant.control.signInCount(window.from, window.to)).toEqual(baseline);
  });

  it('refuses an incident on a group the tenant does not have', () => {
    expect(() => tenant.control.addIncident({ target: 'nope', from: NOW, to: NOW, failureRate: 0.5 })).toThrow(
      "Incident target 'nope' is neither 'all_users' nor a group of this tenant.",
    );
  });

  it.each([
    ["startswith(userPrincipalName, 'adele')", "Invalid filter clause: 'startswith(userPrincipalName, 'adele')' is not supported"],
    ["createdDateTime ge '2024-05-01T00:00:00Z'", "Invalid filter clause: ''2024-05-01T00:00:00Z'' is not an ISO 8601 date-time"],
    ["userId eq 'a' or userId eq 'b'", "Invalid filter clause: 'userId eq 'a' or userId eq 'b'' is not supported"],
  ])('answers 400 Invalid filter clause for %s', async (filter, start) => {
    const error = await errorOf(await graph.call('GET', `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`));
    expect(error.status).toBe(400);
    expect(error.message.startsWith(start)).toBe(true);
  });

  it('refuses $top over 1000', async () => {
    expect((await graph.call('GET', '/v1.0/auditLogs/signIns?$top=1001')).status).toBe(400);
  });

  it('needs AuditLog.Read.All', async () => {
    tenant.control.denyPermission('AuditLog.Read.All');
    expect(await errorOf(await graph.call('GET', '/v1.0/auditLogs/signIns'))).toMatchObject({
      status: 403,
      message: 'Calling principal does not have required MSGraph permissions AuditLog.Read.All',
    });
  });

  it('generates a week of sign-ins for 200 users on demand, the same every time', () => {
    const from = new Date(NOW.getTime() - 7 * 24 * HOUR);
    const first = tenant.control.signInCount(from, NOW);
    expect(first.signIns).toBeGreaterThan(200 * 7);
    expect(tenant.control.signInCount(from, NOW)).toEqual(first);
  });
});

describe('registration details', () => {
  const pushFilter = encodeURIComponent("methodsRegistered/any(m:m eq 'microsoftAuthenticatorPush')");

  it('lists the users with Authenticator push registered: most of them, across pages', async () => {
    const first = await graph.json<Collection<{ id: string; methodsRegistered: string[]; isMfaCapable: boolean }>>(
      `/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter=${pushFilter}&$top=100`,
    );
    const second = await graph.json<Collection<{ id: string; methodsRegistered: string[] }>>(first['@odata.nextLink']!);
    const registered = [...first.value, ...second.value];
    expect(second['@odata.nextLink']).toBeUndefined();
    expect(registered.length).toBeGreaterThan(150);
    expect(registered.length).toBeLessThan(DEMO.userCount);
    expect(registered.every((d) => d.methodsRegistered.includes('microsoftAuthenticatorPush'))).toBe(true);
    const ids = new Set(registered.map((d) => d.id));
    expect(ids.has(DEMO.users.pilotUser)).toBe(true);
    expect(ids.has(DEMO.users.unregisteredPilotUser)).toBe(false);
  });

  it('answers 400 for a filter it does not support', async () => {
    const error = await errorOf(await graph.call('GET', `/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter=${encodeURIComponent("userType eq 'guest'")}`));
    expect(error.message).toMatch(/^Invalid filter clause: 'userType eq 'guest'' is not supported/);
  });
});
