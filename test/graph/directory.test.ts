import { GraphNotFoundError, GraphPermissionError } from '../../src/graph';
import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { gatewayFor, rejectionOf, requestsSince, startTenantWithIdentity } from './harness';

/** Groups and membership in the demo tenant: ring 1 ("early", 50 users) nests ring 0 ("pilot", 10 users). */

const UNKNOWN_GROUP = '6d2a9c1e-0f3b-4e7a-9b8c-5d4e3f2a1b0c';
let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startTenantWithIdentity();
});

afterAll(async () => {
  await tenant.close();
});

describe('groups', () => {
  it('reads a group by id', async () => {
    await expect(gatewayFor(tenant).getGroup(DEMO.groups.early)).resolves.toEqual({ id: DEMO.groups.early, displayName: 'Ring 1 - Early adopters' });
  });

  it('answers null for a group that does not exist', async () => {
    await expect(gatewayFor(tenant).getGroup(UNKNOWN_GROUP)).resolves.toBeNull();
  });

  it.each([
    ['memberCount', (id: string) => gatewayFor(tenant).memberCount(id)],
    ['memberIds', (id: string) => gatewayFor(tenant).memberIds(id)],
    ['ringCoverage', (id: string) => gatewayFor(tenant).ringCoverage([id])],
  ])('%s of a group that does not exist fails with a GraphNotFoundError naming the group', async (_, call) => {
    const error = await rejectionOf(call(UNKNOWN_GROUP));
    expect(error).toBeInstanceOf(GraphNotFoundError);
    expect(error.message).toMatch(new RegExp(`^Group ${UNKNOWN_GROUP} does not exist in the tenant`));
    expect(error).toMatchObject({ status: 404, code: 'Request_ResourceNotFound' });
  });

  it('keeps an id in its own path segment, so an id cannot reach another resource', async () => {
    const count = tenant.control.requests().length;
    const error = await rejectionOf(gatewayFor(tenant).memberCount('../users'));
    expect(error.message).toContain('Group ../users does not exist');
    expect(requestsSince(tenant, count, 'GET', '/groups/..%2Fusers/transitiveMembers')).toHaveLength(1);
  });

  it('names GroupMember.Read.All when the identity may not read groups', async () => {
    tenant.control.denyPermission('GroupMember.Read.All');
    try {
      const error = await rejectionOf(gatewayFor(tenant).getGroup(DEMO.groups.pilot));
      expect(error).toBeInstanceOf(GraphPermissionError);
      expect(error.message).toContain('GroupMember.Read.All');
    } finally {
      tenant.control.grantPermission('GroupMember.Read.All');
    }
  });
});

describe('membership of nested rings', () => {
  it('counts transitive user members only (the nested pilot group itself is not a user)', async () => {
    const gateway = gatewayFor(tenant);
    await expect(gateway.memberCount(DEMO.groups.pilot)).resolves.toBe(10);
    await expect(gateway.memberCount(DEMO.groups.early)).resolves.toBe(50);
    await expect(gateway.memberCount('all_users')).resolves.toBe(DEMO.userCount);
  });

  it('lists the transitive user members of a ring, and null (everyone) for all_users', async () => {
    const gateway = gatewayFor(tenant);
    const early = await gateway.memberIds(DEMO.groups.early);
    expect(early?.size).toBe(50);
    expect(early?.has(DEMO.users.pilotUser)).toBe(true);
    expect(early?.has(DEMO.users.earlyAdopter)).toBe(true);
    expect(early?.has(DEMO.users.outsider)).toBe(false);
    expect(early?.has(DEMO.groups.pilot)).toBe(false);
    await expect(gateway.memberIds('all_users')).resolves.toBeNull();
  });

  it('checks transitive membership of a user in a ring', async () => {
    const gateway = gatewayFor(tenant);
    await expect(gateway.isMember(DEMO.groups.early, DEMO.users.pilotUser)).resolves.toBe(true);
    await expect(gateway.isMember(DEMO.groups.pilot, DEMO.users.earlyAdopter)).resolves.toBe(false);
    await expect(gateway.isMember(DEMO.groups.early, DEMO.users.outsider)).resolves.toBe(false);
    await expect(gateway.isMember('all_users', DEMO.users.outsider)).resolves.toBe(true);
  });

  it('says which object is missing when checking the membership of one that does not exist', async () => {
    const error = await rejectionOf(gatewayFor(tenant).isMember(DEMO.groups.early, UNKNOWN_GROUP));
    expect(error).toBeInstanceOf(GraphNotFoundError);
    expect(error.message).toContain(`User or directory object ${UNKNOWN_GROUP} does not exist`);
  });

  it('follows the absolute http @odata.nextLink of a large ring across pages', async () => {
    const users = Array.from({ length: 2100 }, (_, i) => tenant.control.addUser({ userPrincipalName: `bulk${i}@contoso.example` }).id);
    const big = tenant.control.addGroup({ displayName: 'Ring 2 - Everyone in sales', members: [DEMO.groups.early, ...users] });
    const count = tenant.control.requests().length;

    const ids = await gatewayFor(tenant).memberIds(big.id);

    expect(ids?.size).toBe(2150);
    expect(ids?.has(users[2099]!)).toBe(true);
    expect(ids?.has(DEMO.users.pilotUser)).toBe(true);
    expect(requestsSince(tenant, count, 'GET', `/groups/${big.id}/transitiveMembers`).map((r) => r.status)).toEqual([200, 200, 200]);
    await expect(gatewayFor(tenant).memberCount(big.id)).resolves.toBe(2150);
  });
});
