import { DEMO, type EmulatedTenant } from '../../src/local/tenant';
import { featureStatus, planEnable, verifyWrite } from '../../src/policy';
import { FEATURE_KEYS } from '../../src/policy/types';
import { gatewayFor, startTenantWithIdentity } from './harness';

/**
 * The API version follows the feature: companionApp exists only under /beta, the other features are GA on v1.0.
 * GRAPH_API_VERSION (the apiVersion option) still overrides the choice. The emulated tenant, like Graph, hides the
 * companion-app setting on v1.0.
 */

let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startTenantWithIdentity();
});

afterAll(async () => {
  await tenant.close();
});

const CONFIG = 'authenticationMethodConfigurations/MicrosoftAuthenticator';

function configRequestsSince(count: number): string[] {
  return tenant.control
    .requests()
    .slice(count)
    .filter((r) => r.path.includes(CONFIG))
    .map((r) => `${r.method} ${r.path.split('/')[1] ?? ''}`);
}

describe('the API version per feature', () => {
  it('writes a companionApp ring through beta and verifies it there, with the gateway bound to the feature', async () => {
    const gateway = gatewayFor(tenant).forFeature('companionApp');
    const count = tenant.control.requests().length;
    const timeline = tenant.control.timeline().length;

    const before = await gateway.readConfig();
    const planned = planEnable(before, 'companionApp', DEMO.groups.pilot);
    const result = await gateway.writeConfig(planned.body, (readBack) => verifyWrite(before, planned, readBack));

    expect(gateway.apiVersion).toBe('beta');
    expect(configRequestsSince(count)).toEqual(['GET beta', 'PATCH beta', 'GET beta']);
    expect(tenant.control.timeline().slice(timeline)).toMatchObject([{ actor: 'app', apiVersion: 'beta', body: planned.body }]);
    expect(featureStatus(result.readBack, 'companionApp')).toMatchObject({ enabledTarget: DEMO.groups.pilot });
    expect(tenant.control.config().featureSettings).toMatchObject({ [FEATURE_KEYS.companionApp]: { state: 'enabled', includeTarget: { id: DEMO.groups.pilot } } });
  });

  it('takes the feature per call too, and keeps v1.0 for the features that are GA and for calls that name none', async () => {
    const gateway = gatewayFor(tenant);
    const count = tenant.control.requests().length;

    const companion = await gateway.readConfig({ feature: 'companionApp' });
    const appInfo = await gateway.readConfig({ feature: 'displayAppInformation' });
    await gateway.readConfig();
    await gateway.forFeature('displayLocationInformation').readConfig();

    expect(configRequestsSince(count)).toEqual(['GET beta', 'GET v1.0', 'GET v1.0', 'GET v1.0']);
    expect(companion.featureSettings).toHaveProperty(FEATURE_KEYS.companionApp);
    expect(appInfo.featureSettings).not.toHaveProperty(FEATURE_KEYS.companionApp);
    expect(gateway.apiVersion).toBe('v1.0');
  });

  it('lets GRAPH_API_VERSION override the choice', async () => {
    const gateway = gatewayFor(tenant, { apiVersion: 'v1.0' }).forFeature('companionApp');
    const count = tenant.control.requests().length;

    await gateway.readConfig();

    expect(gateway.apiVersion).toBe('v1.0');
    expect(configRequestsSince(count)).toEqual(['GET v1.0']);
  });
});
