import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEMO, startEmulatedTenant, type EmulatedTenant } from '../../../src/local/tenant';
import { demoUserId } from '../../../src/local/tenant/demo-data';
import { graphSession, type Collection, type GraphSession } from './graph-session';
import { iso, type SignIn } from './sign-in-reader';

const NOW = new Date('2024-05-06T12:00:00Z');
const HOUR = 3_600_000;
const EVENTUAL = { ConsistencyLevel: 'eventual' };

let tenant: EmulatedTenant;
let graph: GraphSession;

beforeAll(async () => {
  tenant = await startEmulatedTenant({ users: DEMO.enterpriseUserCount, now: () => NOW, reportsThrottle: false });
  graph = await graphSession(tenant);
});

afterAll(async () => {
  await tenant.close();
});

/** A full collection, bounded to 200 pages. */
async function allPages<T>(path: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next !== undefined && pages < 200) {
    const page: Collection<T> = await graph.json<Collection<T>>(next);
    items.push(...page.value);
    next = page['@odata.nextLink'];
    pages++;
  }
  return { items, pages };
}

/** The heap in use after a full collection: what the tenant really keeps. */
function retainedHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

const count = async (path: string) => Number(await (await graph.call('GET', path, { headers: EVENTUAL })).text());

describe('a 100,000-user tenant', () => {
  it('counts the users and the nested rings of the 4-ring plan: 50, 5,000, 50,000', async () => {
    expect(await count('/v1.0/users/$count')).toBe(100_000);
    expect(await count(`/v1.0/groups/${DEMO.groups.early}/transitiveMembers/microsoft.graph.user/$count`)).toBe(50);
    expect(await count(`/v1.0/groups/${DEMO.groups.wave1}/transitiveMembers/microsoft.graph.user/$count`)).toBe(5_000);
    expect(await count(`/v1.0/groups/${DEMO.groups.wave2}/transitiveMembers/microsoft.graph.user/$count`)).toBe(50_000);
    expect(await count(`/v1.0/groups/${DEMO.groups.wave2}/transitiveMembers/$count`)).toBe(50_003);
  });

  it("pages a wave's transitive users, each once, the nested rings' users included", async () => {
    const { items, pages } = await allPages<{ id: string }>(`/v1.0/groups/${DEMO.groups.wave1}/transitiveMembers/microsoft.graph.user?$top=999`);
    const ids = new Set(items.map((u) => u.id));
    expect(pages).toBe(6);
    expect(ids.size).toBe(5_000);
    expect(ids.has(DEMO.users.pilotUser)).toBe(true);
    expect(ids.has(DEMO.users.outsider)).toBe(false);
  });

  it('answers the rings a generated user is in, through nesting', async () => {
    const inWave2Only = demoUserId(20_000);
    const page = await graph.call('POST', `/v1.0/directoryObjects/${inWave2Only}/checkMemberGroups`, { body: { groupIds: [DEMO.groups.wave1, DEMO.groups.wave2] } });
    expect(((await page.json()) as { value: string[] }).value).toEqual([DEMO.groups.wave2]);
    expect(await graph.json<{ id: string }>(`/v1.0/users/${inWave2Only}`)).toMatchObject({ id: inWave2Only, userPrincipalName: 'adele.vance100@contoso.example' });
  });

  it('pages the registration details of every user, filtered, with bounded memory', async () => {
    const before = retainedHeap();
    const { items, pages } = await allPages<{ id: string }>(
      `/v1.0/reports/authenticationMethods/userRegistrationDetails?$filter=${encodeURIComponent("methodsRegistered/any(m:m eq 'microsoftAuthenticatorPush')")}`,
    );
    const pushRegistered = Array.from({ length: 100_000 }, (_, i) => i).filter((i) => i % 12 !== 7).length;
    expect(items.length).toBe(pushRegistered);
    expect(new Set(items.map((d) => d.id)).size).toBe(pushRegistered);
    expect(pages).toBe(Math.ceil(pushRegistered / 1000));
    items.length = 0;
    expect(retainedHeap() - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('serves a one-day sign-in window lazily: pages come one hour at a time, and memory stays bounded', async () => {
    const filter = `createdDateTime ge ${iso(NOW.getTime() - 24 * HOUR)} and createdDateTime le ${iso(NOW.getTime())}`;
    const before = retainedHeap();
    let next: string | undefined = `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`;
    let oldest = NOW.toISOString();
    let records = 0;
    const started = Date.now();
    for (let pages = 0; pages < 40 && next !== undefined; pages++) {
      const page: Collection<SignIn> = await graph.json<Collection<SignIn>>(next);
      records += page.value.length;
      oldest = page.value[page.value.length - 1]?.createdDateTime ?? oldest;
      next = page['@odata.nextLink'];
    }
    expect(records).toBe(40_000);
    expect(next).toBeDefined();
    expect(Date.parse(oldest)).toBeLessThan(NOW.getTime() - HOUR);
    expect(Date.parse(oldest)).toBeGreaterThan(NOW.getTime() - 3 * HOUR);
    expect(retainedHeap() - before).toBeLessThan(96 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('generates about 300,000 MFA sign-ins a day', () => {
    const truth = tenant.control.signInTruth(new Date(NOW.getTime() - 24 * HOUR), NOW);
    expect(truth.mfaSignIns).toBeGreaterThan(285_000);
    expect(truth.mfaSignIns).toBeLessThan(315_000);
  });
});

describe('tenant volume as a setting', () => {
  it('spreads a tenant-wide number of MFA sign-ins a day over its users', async () => {
    const small = await startEmulatedTenant({ users: 1_000, mfaSignInsPerDay: 30_000, now: () => NOW });
    try {
      const truth = small.control.signInTruth(new Date(NOW.getTime() - 24 * HOUR), NOW);
      expect(truth.mfaSignIns).toBeGreaterThan(28_500);
      expect(truth.mfaSignIns).toBeLessThan(31_500);
      expect(small.control.traffic().mfaSignInsPerUserPerDay).toBe(30);
    } finally {
      await small.close();
    }
  });
});
