import { DEMO, startEmulatedTenant, type EmulatedTenant } from '../../../src/local/tenant';
import { errorOf, graphSession, type Collection, type GraphSession } from './graph-session';

let tenant: EmulatedTenant;
let graph: GraphSession;
const EVENTUAL = { ConsistencyLevel: 'eventual' };

beforeAll(async () => {
  tenant = await startEmulatedTenant();
  graph = await graphSession(tenant);
});

afterAll(async () => {
  await tenant.close();
});

/** Follows @odata.nextLink (absolute, same host) to the end; bounded. */
async function allPages<T>(firstPath: string): Promise<{ items: T[]; pages: number; links: string[] }> {
  const items: T[] = [];
  const links: string[] = [];
  let path: string | undefined = firstPath;
  let pages = 0;
  while (path !== undefined && pages < 50) {
    const page: Collection<T> = await graph.json<Collection<T>>(path);
    items.push(...page.value);
    pages++;
    path = page['@odata.nextLink'];
    if (path) links.push(path);
  }
  return { items, pages, links };
}

describe('groups', () => {
  it('answers a demo ring by id', async () => {
    const group = await graph.json<Record<string, unknown>>(`/v1.0/groups/${DEMO.groups.pilot}`);
    expect(group).toMatchObject({ id: DEMO.groups.pilot, displayName: 'Ring 0 - IT pilot', securityEnabled: true });
  });

  it("answers an unknown group with 404 Request_ResourceNotFound and Graph's text", async () => {
    const id = '0f0f0f0f-1111-4222-8333-444444444444';
    expect(await errorOf(await graph.call('GET', `/v1.0/groups/${id}`))).toEqual({
      status: 404,
      code: 'Request_ResourceNotFound',
      message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    });
  });

  it('answers a relation it does not serve with 404 naming that segment', async () => {
    expect(await errorOf(await graph.call('GET', `/v1.0/groups/${DEMO.groups.pilot}/owners`))).toEqual({
      status: 404,
      code: 'BadRequest',
      message: "Resource not found for the segment 'owners'.",
    });
  });

  it('refuses $count without the ConsistencyLevel: eventual header, with a message naming the header', async () => {
    const error = await errorOf(await graph.call('GET', `/v1.0/groups/${DEMO.groups.early}/transitiveMembers/$count`));
    expect(error.status).toBe(400);
    expect(error.message).toContain('ConsistencyLevel: eventual');
  });

  it('counts ring 1 transitively: 50 users through the nested pilot, 51 objects with the nested group itself', async () => {
    const users = await graph.call('GET', `/v1.0/groups/${DEMO.groups.early}/transitiveMembers/microsoft.graph.user/$count`, { headers: EVENTUAL });
    expect(users.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await users.text()).toBe('50');
    const all = await graph.call('GET', `/v1.0/groups/${DEMO.groups.early}/transitiveMembers/$count`, { headers: EVENTUAL });
    expect(await all.text()).toBe('51');
    const pilot = await graph.call('GET', `/beta/groups/${DEMO.groups.pilot}/transitiveMembers/microsoft.graph.user/%24count`, { headers: EVENTUAL });
    expect(await pilot.text()).toBe('10');
  });

  it("lists ring 1's transitive users in pages with absolute nextLinks on the same host, including the pilot's users", async () => {
    const { items, pages, links } = await allPages<{ id: string }>(`/v1.0/groups/${DEMO.groups.early}/transitiveMembers/microsoft.graph.user?$select=id&$top=20`);
    expect(pages).toBe(3);
    expect(links.every((l) => l.startsWith(`${tenant.url}/v1.0/groups/${DEMO.groups.early}/transitiveMembers/microsoft.graph.user?`))).toBe(true);
    const ids = new Set(items.map((i) => i.id));
    expect(ids.size).toBe(50);
    expect(ids.has(DEMO.users.pilotUser)).toBe(true);
    expect(ids.has(DEMO.users.earlyAdopter)).toBe(true);
    expect(ids.has(DEMO.users.outsider)).toBe(false);
  });

  it('lists nested groups among transitiveMembers without the user cast', async () => {
    const page = await graph.json<Collection<Record<string, unknown>>>(`/v1.0/groups/${DEMO.groups.early}/transitiveMembers?$top=999`);
    expect(page.value.filter((m) => m['@odata.type'] === '#microsoft.graph.group').map((m) => m.id)).toEqual([DEMO.groups.pilot]);
  });

  it('follows nesting added through the control API, and refuses a membership cycle', async () => {
    const own = await startEmulatedTenant();
    try {
      const ring2 = own.control.addGroup({ displayName: 'Ring 2 - Broad', members: [DEMO.groups.early] });
      const newcomer = own.control.addUser({ userPrincipalName: 'new.hire@contoso.example' });
      own.control.addMember(ring2.id, newcomer.id);
      const session = await graphSession(own);
      const count = await session.call('GET', `/v1.0/groups/${ring2.id}/transitiveMembers/microsoft.graph.user/$count`, { headers: EVENTUAL });
      expect(await count.text()).toBe('51');
      expect(() => own.control.addMember(DEMO.groups.pilot, ring2.id)).toThrow(/cycle/);
    } finally {
      await own.close();
    }
  });

  it('rejects a $top over 999 with a message naming the limit', async () => {
    const error = await errorOf(await graph.call('GET', `/v1.0/groups/${DEMO.groups.early}/transitiveMembers/microsoft.graph.user?$top=5000`));
    expect(error).toMatchObject({ status: 400, message: "Invalid value for $top: '5000'. It must be a whole number from 1 to 999." });
  });
});

describe('checkMemberGroups', () => {
  const check = (objectId: string, groupIds: unknown) =>
    graph.call('POST', `/v1.0/directoryObjects/${objectId}/checkMemberGroups`, { body: { groupIds } });

  it('answers the groups a pilot user is in, transitively through the nested ring', async () => {
    const response = await check(DEMO.users.pilotUser, [DEMO.groups.pilot, DEMO.groups.early, DEMO.groups.approvers]);
    expect(((await response.json()) as { value: string[] }).value).toEqual([DEMO.groups.pilot, DEMO.groups.early]);
  });

  it('answers no group for a user outside the rings', async () => {
    const response = await check(DEMO.users.outsider, [DEMO.groups.pilot, DEMO.groups.early]);
    expect(((await response.json()) as { value: string[] }).value).toEqual([]);
  });

  it('refuses a body without a groupIds array, and answers 404 for an unknown object', async () => {
    expect((await errorOf(await check(DEMO.users.pilotUser, 'all'))).message).toBe('Invalid request body: groupIds must be an array of group ids.');
    expect((await check('0f0f0f0f-1111-4222-8333-444444444444', [DEMO.groups.pilot])).status).toBe(404);
  });
});

describe('users', () => {
  it('counts the demo users (with ConsistencyLevel) and lists them all across pages', async () => {
    const count = await graph.call('GET', '/v1.0/users/$count', { headers: EVENTUAL });
    expect(await count.text()).toBe(String(DEMO.userCount));
    const { items, pages } = await allPages<{ id: string }>('/v1.0/users?$select=id&$top=999');
    expect(pages).toBe(1);
    expect(new Set(items.map((u) => u.id)).size).toBe(DEMO.userCount);
    expect(Object.keys(items[0]!)).toEqual(['id']);
  });

  it('pages the user list with $top and a $skiptoken', async () => {
    const { items, pages } = await allPages<{ id: string; userPrincipalName: string }>('/v1.0/users?$top=90');
    expect(pages).toBe(3);
    expect(items).toHaveLength(DEMO.userCount);
    expect(items[0]!.userPrincipalName).toBe('adele.vance@contoso.example');
  });

  it('answers 403 Authorization_RequestDenied once User.Read.All is denied', async () => {
    tenant.control.denyPermission('User.Read.All');
    try {
      expect(await errorOf(await graph.call('GET', '/v1.0/users?$top=5'))).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    } finally {
      tenant.control.grantPermission('User.Read.All');
    }
  });
});
