import { GraphError } from '../../src/graph';
import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { featureStatus, planEnable, verifyWrite } from '../../src/policy';
import { gatewayFor, rejectionOf, startTenantWithIdentity } from './harness';

/** The legacy per-target shape of the 2021/2022 preview, served under /beta. */

let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startTenantWithIdentity({ shape: 'legacy' });
});

afterAll(async () => {
  await tenant.close();
});

describe('the Microsoft Authenticator configuration in the legacy per-target shape (beta)', () => {
  it('is read from beta with per-target feature states', async () => {
    const gateway = gatewayFor(tenant, { apiVersion: 'beta' });

    const config = await gateway.readConfig();

    expect(gateway.apiVersion).toBe('beta');
    expect(config.includeTargets).toEqual([
      expect.objectContaining({ id: 'all_users', targetType: 'group', numberMatchingRequiredState: 'default' }),
    ]);
    expect(config).not.toHaveProperty('featureSettings');
  });

  it('is written with exactly one PATCH on beta (the whole includeTargets collection) and verified by reading it back', async () => {
    const gateway = gatewayFor(tenant, { apiVersion: 'beta' });
    const before = await gateway.readConfig();
    const planned = planEnable(before, 'numberMatching', DEMO.groups.pilot);
    const timelineBefore = tenant.control.timeline().length;

    const result = await gateway.writeConfig(planned.body, (readBack) => verifyWrite(before, planned, readBack));

    const patches = tenant.control.timeline().slice(timelineBefore);
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ actor: 'app', apiVersion: 'beta', body: planned.body });
    expect(featureStatus(result.readBack, 'numberMatching')).toMatchObject({ enabledTarget: DEMO.groups.pilot, enabledTargets: [DEMO.groups.pilot] });
  });

  it("keeps Graph's explanation when the legacy tenant is asked on v1.0", async () => {
    const error = await rejectionOf(gatewayFor(tenant, { apiVersion: 'v1.0' }).readConfig());

    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 400, graphMessage: expect.stringContaining('Use /beta instead of /v1.0') as unknown });
    expect(error.message).toContain('Use /beta instead of /v1.0');
  });
});

describe('a legacy tenant found without GRAPH_API_VERSION', () => {
  it('is detected on the first read (v1.0 refuses it, beta serves it) and written on beta from then on', async () => {
    const gateway = gatewayFor(tenant).forFeature('displayAppInformation');
    const count = tenant.control.requests().length;
    const timelineBefore = tenant.control.timeline().length;

    const before = await gateway.readConfig();
    const planned = planEnable(before, 'displayAppInformation', DEMO.groups.early);
    await gateway.writeConfig(planned.body, (readBack) => verifyWrite(before, planned, readBack));

    expect(gateway.apiVersion).toBe('beta');
    const config = tenant.control
      .requests()
      .slice(count)
      .filter((r) => r.path.includes('MicrosoftAuthenticator'))
      .map((r) => [r.method, r.path.split('/')[1], r.status]);
    expect(config).toEqual([
      ['GET', 'v1.0', 400],
      ['GET', 'beta', 200],
      ['PATCH', 'beta', 204],
      ['GET', 'beta', 200],
    ]);
    expect(tenant.control.timeline().slice(timelineBefore)).toMatchObject([{ apiVersion: 'beta', actor: 'app' }]);
  });
});
