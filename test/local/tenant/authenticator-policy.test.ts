import { DEMO, startEmulatedTenant, TenantRequestError, type EmulatedTenant, type TenantOptions } from '../../../src/local/tenant';
import { CONFIG_PATH, errorOf, graphSession, type GraphSession } from './graph-session';

const TYPE = '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration';
const ALL = { targetType: 'group', id: 'all_users' };
const NOBODY = { targetType: 'group', id: '00000000-0000-0000-0000-000000000000' };
const feature = (state: string, id = 'all_users') => ({ state, includeTarget: { targetType: 'group', id }, excludeTarget: NOBODY });

let tenant: EmulatedTenant;
let graph: GraphSession;

async function start(options: TenantOptions = {}): Promise<void> {
  tenant = await startEmulatedTenant({ now: () => new Date('2024-05-06T12:00:00Z'), ...options });
  graph = await graphSession(tenant);
}

afterEach(async () => {
  await tenant.close();
});

const patch = (version: string, body: unknown, path = CONFIG_PATH) => graph.call('PATCH', `/${version}${path}`, { body });

describe('a featureSettings tenant', () => {
  beforeEach(() => start());

  it('answers GET under v1.0 with the v1.0 object: no numberMatchingRequiredState, no beta-only companion app', async () => {
    const config = await graph.json(`/v1.0${CONFIG_PATH}`);
    expect(config).toMatchObject({ '@odata.type': TYPE, id: 'MicrosoftAuthenticator', state: 'enabled', isSoftwareOathEnabled: false });
    expect(config['@odata.context']).toBe(`${tenant.url}/v1.0/$metadata#authenticationMethodConfigurations/$entity`);
    expect(config.featureSettings).toEqual({
      displayAppInformationRequiredState: feature('default'),
      displayLocationInformationRequiredState: feature('default'),
    });
    expect(config.includeTargets).toEqual([{ ...ALL, isRegistrationRequired: false, authenticationMode: 'any' }]);
  });

  it('shows companionAppAllowedState under /beta and stores number matching as enforced without showing it', async () => {
    const config = await graph.json(`/beta${CONFIG_PATH}`);
    expect(Object.keys(config.featureSettings).sort()).toEqual([
      'companionAppAllowedState',
      'displayAppInformationRequiredState',
      'displayLocationInformationRequiredState',
    ]);
    expect(tenant.control.config().featureSettings).toMatchObject({ numberMatchingRequiredState: feature('enabled') });
  });

  it('serves the older path without /policies too', async () => {
    const older = await graph.json('/v1.0/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator');
    expect(older.featureSettings).toEqual((await graph.json(`/v1.0${CONFIG_PATH}`)).featureSettings);
  });

  it('accepts a featureSettings PATCH with 204, shows it on GET and records it once in the timeline', async () => {
    const featureSettings = {
      displayAppInformationRequiredState: feature('enabled', DEMO.groups.pilot),
      displayLocationInformationRequiredState: feature('default'),
    };
    const response = await patch('v1.0', { '@odata.type': TYPE, featureSettings });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect((await graph.json(`/v1.0${CONFIG_PATH}`)).featureSettings).toEqual(featureSettings);
    const timeline = tenant.control.timeline();
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ at: '2024-05-06T12:00:00.000Z', apiVersion: 'v1.0', actor: 'app', body: { featureSettings } });
    expect(timeline[0]!.before.featureSettings).toMatchObject({ displayAppInformationRequiredState: feature('default') });
    expect(timeline[0]!.after.featureSettings).toMatchObject({
      displayAppInformationRequiredState: feature('enabled', DEMO.groups.pilot),
      numberMatchingRequiredState: feature('enabled'),
    });
  });

  it('keeps the beta-only companion app setting when a v1.0 client writes featureSettings back', async () => {
    const companion = feature('enabled', DEMO.groups.early);
    expect((await patch('beta', { '@odata.type': TYPE, featureSettings: { companionAppAllowedState: companion } })).status).toBe(204);
    const fromV1 = await graph.json(`/v1.0${CONFIG_PATH}`);
    expect((await patch('v1.0', { '@odata.type': TYPE, featureSettings: fromV1.featureSettings })).status).toBe(204);
    expect((await graph.json(`/beta${CONFIG_PATH}`)).featureSettings.companionAppAllowedState).toEqual(companion);
  });

  it('stores unknown properties of a PATCH and returns them, at the top and inside featureSettings', async () => {
    const read = await graph.json(`/v1.0${CONFIG_PATH}`);
    const body = {
      '@odata.type': TYPE,
      contosoFutureFlag: { mode: 'strict', levels: [1, 2] },
      featureSettings: { ...read.featureSettings, somethingNewRequiredState: { state: 'enabled' } },
    };
    expect((await patch('v1.0', body)).status).toBe(204);
    const after = await graph.json(`/v1.0${CONFIG_PATH}`);
    expect(after.contosoFutureFlag).toEqual({ mode: 'strict', levels: [1, 2] });
    expect(after.featureSettings.somethingNewRequiredState).toEqual({ state: 'enabled' });
  });

  it('replaces the includeTargets collection when a body carries it, and leaves it alone otherwise', async () => {
    const includeTargets = [{ targetType: 'group', id: DEMO.groups.early, isRegistrationRequired: true, authenticationMode: 'push' }];
    expect((await patch('v1.0', { '@odata.type': TYPE, includeTargets })).status).toBe(204);
    expect((await graph.json(`/v1.0${CONFIG_PATH}`)).includeTargets).toEqual(includeTargets);
    expect((await patch('v1.0', { '@odata.type': TYPE, state: 'enabled' })).status).toBe(204);
    expect((await graph.json(`/v1.0${CONFIG_PATH}`)).includeTargets).toEqual(includeTargets);
  });

  it.each([
    ['a body without @odata.type', { featureSettings: {} }, "The request body must contain @odata.type with the value '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration'."],
    [
      'numberMatchingRequiredState inside featureSettings',
      { '@odata.type': TYPE, featureSettings: { numberMatchingRequiredState: feature('enabled') } },
      "Persistance of policy failed with error: Microsoft Authenticator's number matching feature can no longer be toggled as part of featureSettings.",
    ],
    [
      'an invalid state value',
      { '@odata.type': TYPE, featureSettings: { displayAppInformationRequiredState: feature('on') } },
      'Invalid value for featureSettings.displayAppInformationRequiredState.state: "on". Expected one of default, enabled, disabled.',
    ],
    [
      'an include target that is no group of the tenant',
      { '@odata.type': TYPE, featureSettings: { displayLocationInformationRequiredState: feature('enabled', '11111111-2222-4333-8444-555555555555') } },
      "Invalid featureSettings.displayLocationInformationRequiredState.includeTarget.id '11111111-2222-4333-8444-555555555555': no group with this id exists in the tenant (use an existing group id or 'all_users').",
    ],
    [
      'an includeTargets item naming an unknown user',
      { '@odata.type': TYPE, includeTargets: [{ targetType: 'user', id: 'nobody' }] },
      "Invalid includeTargets[0].id 'nobody': no user with this id exists in the tenant (use an existing user id or 'all_users').",
    ],
    [
      'a legacy per-target feature state on a current tenant',
      { '@odata.type': TYPE, includeTargets: [{ ...ALL, numberMatchingRequiredState: 'enabled' }] },
      "The property 'numberMatchingRequiredState' does not exist on type 'microsoft.graph.microsoftAuthenticatorAuthenticationMethodTarget'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    ],
    ['a body that is not JSON', '{"@odata.type": ', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'],
  ])('refuses %s with 400 and Graph-style text, changing nothing', async (_, body, message) => {
    const before = tenant.control.config();
    const response = await patch('v1.0', body);
    expect(await errorOf(response)).toMatchObject({ status: 400, message });
    expect(tenant.control.config()).toEqual(before);
    expect(tenant.control.timeline()).toEqual([]);
  });

  it('answers 400 errors with a request id in innerError and never a stack trace', async () => {
    const response = await patch('v1.0', {});
    const text = await response.text();
    expect(JSON.parse(text).error.innerError['request-id']).toBe(response.headers.get('request-id'));
    expect(text).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('answers PATCH with 403 once Policy.ReadWrite.AuthenticationMethod is denied, while GET still works with Policy.Read.All', async () => {
    tenant.control.denyPermission('Policy.ReadWrite.AuthenticationMethod');
    expect(await errorOf(await patch('v1.0', { '@odata.type': TYPE, state: 'enabled' }))).toEqual({
      status: 403,
      code: 'accessDenied',
      message: 'Request Authorization failed',
    });
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(200);
    tenant.control.denyPermission('Policy.Read.All');
    expect((await graph.call('GET', `/v1.0${CONFIG_PATH}`)).status).toBe(403);
    tenant.control.grantPermission('Policy.ReadWrite.AuthenticationMethod');
    expect((await patch('v1.0', { '@odata.type': TYPE, state: 'enabled' })).status).toBe(204);
  });

  it('records a drifting change by someone else with actor admin, under the same rules', async () => {
    tenant.control.patchConfigAsAdmin({ '@odata.type': TYPE, featureSettings: { displayLocationInformationRequiredState: feature('disabled') } });
    expect(tenant.control.timeline()).toMatchObject([{ actor: 'admin', apiVersion: 'v1.0' }]);
    expect((await graph.json(`/v1.0${CONFIG_PATH}`)).featureSettings.displayLocationInformationRequiredState.state).toBe('disabled');
    expect(() => tenant.control.patchConfigAsAdmin({ featureSettings: {} })).toThrow(TenantRequestError);
  });
});

describe('a featureSettings tenant with read-after-write lag', () => {
  beforeEach(() => start({ readAfterWriteLagReads: 2 }));

  it('answers the next two GETs after a PATCH with the previous configuration, then the new one', async () => {
    const body = { '@odata.type': TYPE, featureSettings: { displayAppInformationRequiredState: feature('enabled') } };
    expect((await patch('v1.0', body)).status).toBe(204);
    const states: string[] = [];
    for (let read = 0; read < 3; read++) {
      states.push((await graph.json(`/v1.0${CONFIG_PATH}`)).featureSettings.displayAppInformationRequiredState.state);
    }
    expect(states).toEqual(['default', 'default', 'enabled']);
  });
});

describe('a legacy tenant', () => {
  beforeEach(() => start({ shape: 'legacy' }));

  const target = (id: string, numberMatching: string, displayApp = 'default') => ({
    targetType: 'group',
    id,
    isRegistrationRequired: false,
    authenticationMode: 'any',
    numberMatchingRequiredState: numberMatching,
    displayAppInformationRequiredState: displayApp,
    displayLocationInformationRequiredState: 'default',
  });

  it('answers GET under /beta with per-target feature states and no featureSettings', async () => {
    const config = await graph.json(`/beta${CONFIG_PATH}`);
    expect(config).toMatchObject({ '@odata.type': TYPE, id: 'MicrosoftAuthenticator', state: 'enabled' });
    expect(config.featureSettings).toBeUndefined();
    expect(config.includeTargets).toEqual([target('all_users', 'default')]);
  });

  it('answers v1.0 with 400 saying the legacy shape is served under /beta only', async () => {
    expect(await errorOf(await graph.call('GET', `/v1.0${CONFIG_PATH}`))).toMatchObject({
      status: 400,
      message: 'This tenant serves the Microsoft Authenticator configuration in the legacy per-target shape, under /beta only. Use /beta instead of /v1.0.',
    });
  });

  it('accepts moving number matching from the pilot ring to ring 1 in one PATCH and records it', async () => {
    const first = [target('all_users', 'default'), target(DEMO.groups.pilot, 'enabled')];
    expect((await patch('beta', { '@odata.type': TYPE, includeTargets: first })).status).toBe(204);
    const second = [target('all_users', 'default'), target(DEMO.groups.pilot, 'default'), target(DEMO.groups.early, 'enabled')];
    expect((await patch('beta', { '@odata.type': TYPE, includeTargets: second })).status).toBe(204);
    expect((await graph.json(`/beta${CONFIG_PATH}`)).includeTargets).toEqual(second);
    expect(tenant.control.timeline().map((t) => [t.apiVersion, t.actor])).toEqual([
      ['beta', 'app'],
      ['beta', 'app'],
    ]);
  });

  it('fills omitted per-target states with default, as Graph shows them', async () => {
    const response = await patch('beta', { '@odata.type': TYPE, includeTargets: [{ targetType: 'group', id: DEMO.groups.pilot }] });
    expect(response.status).toBe(204);
    expect((await graph.json(`/beta${CONFIG_PATH}`)).includeTargets).toEqual([target(DEMO.groups.pilot, 'default')]);
  });

  it.each([
    ['Require Number Matching', (a: string, b: string) => [target(a, 'enabled'), target(b, 'enabled')]],
    ['Require Display App Information', (a: string, b: string) => [target(a, 'default', 'enabled'), target(b, 'default', 'enabled')]],
  ])("refuses two enabled targets for '%s' with Graph's exact text", async (name, targets) => {
    const response = await patch('beta', { '@odata.type': TYPE, includeTargets: targets(DEMO.groups.pilot, DEMO.groups.early) });
    expect(await errorOf(response)).toEqual({
      status: 400,
      code: 'badRequest',
      message: `Persistance of policy failed with error: You cannot enable multiple targets for feature '${name}'. Choose only one of the following includeTargets to enable: ${DEMO.groups.pilot},${DEMO.groups.early}.`,
    });
    expect(tenant.control.timeline()).toEqual([]);
  });

  it('refuses featureSettings, which a legacy tenant does not know', async () => {
    const response = await patch('beta', { '@odata.type': TYPE, featureSettings: {} });
    expect((await errorOf(response)).message).toMatch(/^Invalid property featureSettings: this tenant uses the legacy per-target shape/);
  });
});
