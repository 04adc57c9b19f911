import { GraphPermissionError, GraphPolicyRejectedError } from '../../src/graph';
import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { featureStatus, planEnable, verifyWrite } from '../../src/policy';
import { AUTHENTICATOR_ODATA_TYPE } from '../../src/policy/types';
import { gatewayFor, rejectionOf, requestsSince, startTenantWithIdentity } from './harness';

/** The current (v1.0, featureSettings) shape. */

let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startTenantWithIdentity({ shape: 'featureSettings' });
});

afterAll(async () => {
  await tenant.close();
});

describe('the Microsoft Authenticator configuration in the featureSettings shape (v1.0)', () => {
  it('is read from v1.0 with its featureSettings and unknown properties kept', async () => {
    const gateway = gatewayFor(tenant);

    const config = await gateway.readConfig();

    expect(gateway.apiVersion).toBe('v1.0');
    expect(config['@odata.type']).toBe(AUTHENTICATOR_ODATA_TYPE);
    expect(Object.keys(config.featureSettings as object)).toEqual(
      expect.arrayContaining(['displayAppInformationRequiredState', 'displayLocationInformationRequiredState']),
    );
    expect(config).toHaveProperty('isSoftwareOathEnabled', false);
  });

  it('is written with exactly one PATCH and verified by reading it back', async () => {
    const gateway = gatewayFor(tenant);
    const before = await gateway.readConfig();
    const planned = planEnable(before, 'displayAppInformation', DEMO.groups.pilot);
    const timelineBefore = tenant.control.timeline().length;

    const result = await gateway.writeConfig(planned.body, (readBack) => verifyWrite(before, planned, readBack));

    const patches = tenant.control.timeline().slice(timelineBefore);
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ actor: 'app', apiVersion: 'v1.0', body: planned.body });
    expect(result.reads).toBe(1);
    expect(featureStatus(result.readBack, 'displayAppInformation')).toMatchObject({ state: 'enabled', enabledTarget: DEMO.groups.pilot });
  });

  it('refuses a PATCH without Policy.ReadWrite.AuthenticationMethod with a GraphPermissionError naming that permission, leaving the policy as it was', async () => {
    const gateway = gatewayFor(tenant);
    const before = await gateway.readConfig();
    const planned = planEnable(before, 'displayLocationInformation', DEMO.groups.early);
    const timelineBefore = tenant.control.timeline().length;
    tenant.control.denyPermission('Policy.ReadWrite.AuthenticationMethod');
    try {
      const error = await rejectionOf(gateway.writeConfig(planned.body, () => ({ ok: true, problems: [] })));

      expect(error).toBeInstanceOf(GraphPermissionError);
      expect(error).toMatchObject({ status: 403, code: 'accessDenied', permission: 'Policy.ReadWrite.AuthenticationMethod', graphMessage: 'Request Authorization failed' });
      expect(error.message).toContain('Policy.ReadWrite.AuthenticationMethod');
      expect(error.message).toContain('update the Microsoft Authenticator configuration');
      expect(error.message).toMatch(/Graph request id: [0-9a-f-]{36}\.$/);
      expect(tenant.control.timeline()).toHaveLength(timelineBefore);
    } finally {
      tenant.control.grantPermission('Policy.ReadWrite.AuthenticationMethod');
    }
  });

  it('refuses a read without any policy read permission with a GraphPermissionError naming Policy.Read.All', async () => {
    const gateway = gatewayFor(tenant);
    tenant.control.denyPermission('Policy.Read.All');
    tenant.control.denyPermission('Policy.ReadWrite.AuthenticationMethod');
    try {
      const error = await rejectionOf(gateway.readConfig());
      expect(error).toBeInstanceOf(GraphPermissionError);
      expect(error.message).toContain('Policy.Read.All');
    } finally {
      tenant.control.grantPermission('Policy.Read.All');
      tenant.control.grantPermission('Policy.ReadWrite.AuthenticationMethod');
    }
  });

  it("reports a PATCH Graph refuses to persist as GraphPolicyRejectedError with Graph's own words, without retrying it", async () => {
    const gateway = gatewayFor(tenant);
    const config = await gateway.readConfig();
    const settings = config.featureSettings as Record<string, unknown>;
    const body = {
      '@odata.type': AUTHENTICATOR_ODATA_TYPE,
      featureSettings: { ...settings, numberMatchingRequiredState: { state: 'enabled', includeTarget: { targetType: 'group', id: 'all_users' } } },
    } as never;
    const count = tenant.control.requests().length;

    const error = await rejectionOf(gateway.writeConfig(body, () => ({ ok: true, problems: [] })));

    expect(error).toBeInstanceOf(GraphPolicyRejectedError);
    expect(error).toMatchObject({ status: 400 });
    expect(error.message).toContain("Microsoft Authenticator's number matching feature can no longer be toggled as part of featureSettings.");
    expect(requestsSince(tenant, count, 'PATCH', 'MicrosoftAuthenticator')).toHaveLength(1);
  });

  it('tells that a PATCH without @odata.type was refused, quoting Graph', async () => {
    const error = await rejectionOf(gatewayFor(tenant).writeConfig({ state: 'enabled' }, () => ({ ok: true, problems: [] })));
    expect(error).toBeInstanceOf(GraphPolicyRejectedError);
    expect(error.message).toContain('@odata.type');
  });
});
