import { DEMO, startEmulatedTenant, type EmulatedTenant, type TenantOptions } from '../../../src/local/tenant';
import { errorOf, graphSession, type Collection, type GraphSession } from './graph-session';
import { iso, readSignIns, type SignIn } from './sign-in-reader';

const NOW = new Date('2024-05-06T12:00:00Z');
const HOUR = 3_600_000;
const MINUTE = 60_000;

let clock = NOW.getTime();
let tenant: EmulatedTenant;
let graph: GraphSession;

async function start(options: TenantOptions = {}): Promise<void> {
  clock = NOW.getTime();
  tenant = await startEmulatedTenant({ now: () => new Date(clock), reportsThrottle: false, ...options });
  graph = await graphSession(tenant);
}

afterEach(async () => {
  await tenant.close();
});

const window = (from: number, to: number, extra = '') => `createdDateTime ge ${iso(from)} and createdDateTime lt ${iso(to)}${extra}`;
const idsOf = (items: SignIn[]) => new Set(items.map((s) => s.id));

describe('sign-in log paging and filters', () => {
  beforeEach(() => start());

  it('pages newest first through absolute nextLinks, inside the filter window', async () => {
    const from = NOW.getTime() - 24 * HOUR;
    const { items, pages } = await readSignIns(graph, window(from, NOW.getTime()), 200);
    expect(pages).toBeGreaterThan(3);
    const times = items.map((s) => Date.parse(s.createdDateTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(from);
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
  });

  it('links the next page absolutely on the same host, keeping the filter with spaces as %20', async () => {
    const filter = window(NOW.getTime() - 24 * HOUR, NOW.getTime());
    const first = await graph.json<Collection<SignIn>>(`/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=10`);
    const link = new URL(first['@odata.nextLink']!);
    expect(link.origin + link.pathname).toBe(`${tenant.url}/v1.0/auditLogs/signIns`);
    expect(link.search).not.toContain('+');
    expect(link.searchParams.get('$filter')).toBe(filter);
    expect(link.searchParams.get('$top')).toBe('10');
  });

  it('answers a full read between two times with exactly the records of its sub-windows, whatever the page size', async () => {
    const a = NOW.getTime() - 30 * HOUR;
    const b = NOW.getTime() - 17 * HOUR - 7 * MINUTE;
    const c = NOW.getTime() - 2 * HOUR;
    const whole = await readSignIns(graph, window(a, c), 97);
    const first = await readSignIns(graph, window(a, b));
    const second = await readSignIns(graph, window(b, c));
    expect(whole.pages).toBeGreaterThan(5);
    expect(whole.items).toEqual([...second.items, ...first.items]);
    expect(idsOf(whole.items)).toEqual(new Set([...idsOf(first.items), ...idsOf(second.items)]));
  });

  it('treats gt and le like the bounds they name, to the second', async () => {
    const { items } = await readSignIns(graph, window(NOW.getTime() - 6 * HOUR, NOW.getTime()));
    const pivot = items[Math.floor(items.length / 2)]!.createdDateTime;
    const after = await readSignIns(graph, `createdDateTime gt ${pivot} and createdDateTime lt ${iso(NOW.getTime())}`);
    const upTo = await readSignIns(graph, `createdDateTime ge ${iso(NOW.getTime() - 6 * HOUR)} and createdDateTime le ${pivot}`);
    const at = await readSignIns(graph, `createdDateTime eq ${pivot}`);
    expect(after.items.every((s) => s.createdDateTime > pivot)).toBe(true);
    expect(upTo.items.every((s) => s.createdDateTime <= pivot)).toBe(true);
    expect(at.items.length).toBeGreaterThan(0);
    expect(after.items.length + upTo.items.length).toBe(items.length);
  });

  it("filters on one user's records, and on an error code, matching the client-side filter of a full read exactly", async () => {
    const from = NOW.getTime() - 3 * 24 * HOUR;
    const all = await readSignIns(graph, window(from, NOW.getTime()));
    const user = DEMO.users.pilotUser;
    const mine = await readSignIns(graph, `userId eq '${user}' and ${window(from, NOW.getTime())}`);
    const interrupts = await readSignIns(graph, `${window(from, NOW.getTime())} and status/errorCode eq 50074`);
    expect(mine.items.length).toBeGreaterThan(5);
    expect(mine.items).toEqual(all.items.filter((s) => s.userId === user));
    expect(mine.items.every((s) => s.userPrincipalName === 'adele.vance@contoso.example')).toBe(true);
    expect(interrupts.items.length).toBeGreaterThan(10);
    expect(interrupts.items).toEqual(all.items.filter((s) => s.status.errorCode === 50074));
  });

  it('filters on authenticationRequirement, leaving out single-factor sign-ins', async () => {
    const from = NOW.getTime() - 24 * HOUR;
    const all = await readSignIns(graph, window(from, NOW.getTime()));
    const mfa = await readSignIns(graph, window(from, NOW.getTime(), " and authenticationRequirement eq 'multiFactorAuthentication'"));
    expect(all.items.some((s) => s.authenticationRequirement === 'singleFactorAuthentication')).toBe(true);
    expect(mfa.items).toEqual(all.items.filter((s) => s.authenticationRequirement === 'multiFactorAuthentication'));
  });

  it('answers the same records for the same window every time', async () => {
    const filter = window(NOW.getTime() - 12 * HOUR, NOW.getTime());
    const first = await readSignIns(graph, filter);
    const second = await readSignIns(graph, filter, 50);
    expect(second.items).toEqual(first.items);
  });

  it('keeps sign-ins for 30 days only, as Graph does', async () => {
    const { items } = await readSignIns(graph, `createdDateTime ge ${iso(NOW.getTime() - 40 * 24 * HOUR)} and userId eq '${DEMO.users.pilotUser}'`);
    const oldest = Math.min(...items.map((s) => Date.parse(s.createdDateTime)));
    expect(oldest).toBeGreaterThanOrEqual(NOW.getTime() - 30 * 24 * HOUR);
    expect(oldest).toBeLessThan(NOW.getTime() - 29 * 24 * HOUR);
  });

  it("refuses $select with Graph's text: sign-in logs return whole records", async () => {
    const error = await errorOf(await graph.call('GET', '/v1.0/auditLogs/signIns?$select=id,status'));
    expect(error).toMatchObject({ status: 400, code: 'BadRequest' });
    expect(error.message.startsWith("Query option 'Select' is not allowed.")).toBe(true);
  });

  it.each([
    ["startswith(userPrincipalName, 'adele')", "Invalid filter clause: 'startswith(userPrincipalName, 'adele')' is not supported"],
    ["createdDateTime ge '2024-05-01T00:00:00Z'", "Invalid filter clause: ''2024-05-01T00:00:00Z'' is not an ISO 8601 date-time"],
    ["userId eq 'a' or userId eq 'b'", "Invalid filter clause: 'userId eq 'a' or userId eq 'b'' is not supported"],
    ["userId in ('a', 'b')", "Invalid filter clause: 'userId in ('a', 'b')' is not supported"],
  ])('answers 400 Invalid filter clause for %s', async (filter, start) => {
    const error = await errorOf(await graph.call('GET', `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`));
    expect(error.status).toBe(400);
    expect(error.message.startsWith(start)).toBe(true);
  });

  it('refuses $top over 1000 and a made-up $skiptoken', async () => {
    expect((await graph.call('GET', '/v1.0/auditLogs/signIns?$top=1001')).status).toBe(400);
    const error = await errorOf(await graph.call('GET', '/v1.0/auditLogs/signIns?$skiptoken=bm9wZQ'));
    expect(error).toMatchObject({ status: 400, message: 'Invalid $skiptoken: use the @odata.nextLink of the previous page as it is.' });
  });

  it('needs AuditLog.Read.All', async () => {
    tenant.control.denyPermission('AuditLog.Read.All');
    expect(await errorOf(await graph.call('GET', '/v1.0/auditLogs/signIns'))).toMatchObject({
      status: 403,
      message: 'Calling principal does not have required MSGraph permissions AuditLog.Read.All',
    });
  });
});

describe('ingestion latency', () => {
  it('shows a record only once its latency has passed: a window read early misses late records that a later read sees', async () => {
    await start({ users: 5_000 });
    const from = NOW.getTime() - 2 * HOUR;
    const early = await readSignIns(graph, window(from, NOW.getTime()));
    clock += 40 * MINUTE;
    const later = await readSignIns(graph, window(from, NOW.getTime()));
    const earlyIds = idsOf(early.items);
    const missing = later.items.filter((s) => !earlyIds.has(s.id));
    const age = (s: SignIn) => NOW.getTime() - Date.parse(s.createdDateTime);
    expect(early.items.every((s) => idsOf(later.items).has(s.id))).toBe(true);
    expect(missing.length).toBeGreaterThan(20);
    expect(missing.every((s) => age(s) <= 30 * MINUTE)).toBe(true);
    const share = (items: SignIn[], pick: (s: SignIn) => boolean) => items.filter(pick).length / later.items.filter(pick).length;
    expect(share(missing, (s) => age(s) <= 2 * MINUTE)).toBeGreaterThan(0.3);
    expect(share(missing, (s) => age(s) > 5 * MINUTE)).toBeLessThan(0.02);
  });

  it('shows every record at once with latency off', async () => {
    await start({ users: 5_000, traffic: { latency: false } });
    const from = NOW.getTime() - HOUR;
    const early = await readSignIns(graph, window(from, NOW.getTime()));
    clock += 40 * MINUTE;
    expect((await readSignIns(graph, window(from, NOW.getTime()))).items).toEqual(early.items);
  });

  it('never shows a record created after the tenant clock, and shows new ones as the clock moves on', async () => {
    await start();
    const filter = window(NOW.getTime() - 6 * HOUR, NOW.getTime() + 24 * HOUR);
    const before = await readSignIns(graph, filter);
    expect(Math.max(...before.items.map((s) => Date.parse(s.createdDateTime)))).toBeLessThanOrEqual(NOW.getTime());
    clock += 3 * HOUR;
    const after = await readSignIns(graph, filter);
    expect(after.items.filter((s) => Date.parse(s.createdDateTime) > NOW.getTime()).length).toBeGreaterThan(0);
  });
});
