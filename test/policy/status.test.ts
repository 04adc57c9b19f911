import { detectShape, featureStatus, isNumberMatchingEnforced } from '../../src/policy';
import { NO_EXCLUDE_GROUP } from '../../src/policy/types';
import { clone, deepFreeze, featureSettingsBetaTenant, featureSettingsTenant, HELPDESK, LOCATION_PILOT, legacyTenant, PILOT, seedLegacy, policyErrorOf } from './fixtures';

deepFreeze([seedLegacy, legacyTenant, featureSettingsTenant, featureSettingsBetaTenant]);

describe('policy shape detection', () => {
  it('recognises the seed 2021 beta response as the legacy per-target shape', () => {
    expect(detectShape(seedLegacy)).toBe('legacy');
  });

  it('recognises a response carrying a featureSettings object as the featureSettings shape', () => {
    expect(detectShape(featureSettingsTenant)).toBe('featureSettings');
  });

  it('treats a featureSettings value that is not an object as absent', () => {
    expect(detectShape({ ...seedLegacy, featureSettings: null })).toBe('legacy');
  });
});

describe('feature status in the featureSettings shape', () => {
  it('reports the entry state with its include and exclude targets', () => {
    expect(featureStatus(featureSettingsTenant, 'displayLocationInformation')).toEqual({
      shape: 'featureSettings',
      feature: 'displayLocationInformation',
      key: 'displayLocationInformationRequiredState',
      enforcedByMicrosoft: false,
      state: 'enabled',
      enabledTarget: LOCATION_PILOT,
      includeTarget: LOCATION_PILOT,
      excludeTarget: HELPDESK,
      enabledTargets: [LOCATION_PILOT],
    });
  });

  it('reports no enabled target while the entry is at default', () => {
    const status = featureStatus(featureSettingsTenant, 'displayAppInformation');
    expect([status.state, status.enabledTarget, status.includeTarget, status.excludeTarget]).toEqual(['default', null, 'all_users', NO_EXCLUDE_GROUP]);
  });

  it('reports number matching as enforced by Microsoft whether or not the entry is returned', () => {
    expect(featureStatus(featureSettingsTenant, 'numberMatching')).toMatchObject({ enforcedByMicrosoft: true, state: 'enabled', enabledTarget: 'all_users' });
    expect(featureStatus(featureSettingsBetaTenant, 'numberMatching').enforcedByMicrosoft).toBe(true);
    expect(isNumberMatchingEnforced(featureSettingsTenant)).toBe(true);
  });

  it('reports a feature whose entry Graph did not return as default for all users', () => {
    expect(featureStatus(featureSettingsTenant, 'companionApp')).toMatchObject({ state: 'default', enabledTarget: null, includeTarget: 'all_users' });
  });

  it('names the property when an entry has an unknown state', () => {
    const config = clone(featureSettingsTenant);
    config.featureSettings = { displayAppInformationRequiredState: { state: 'on', includeTarget: { targetType: 'group', id: 'all_users' } } };
    const error = policyErrorOf(() => featureStatus(config, 'displayAppInformation'));
    expect(error.code).toBe('MalformedConfig');
    expect(error.message).toContain('featureSettings.displayAppInformationRequiredState.state is "on"');
  });

  it('names the property when an entry has no include target', () => {
    const config = clone(featureSettingsTenant);
    config.featureSettings = { displayAppInformationRequiredState: { state: 'enabled' } };
    expect(policyErrorOf(() => featureStatus(config, 'displayAppInformation')).message).toContain('featureSettings.displayAppInformationRequiredState.includeTarget');
  });
});

describe('feature status in the legacy shape', () => {
  it('reports the seed tenant as having number matching and app information enabled for all users', () => {
    expect(featureStatus(seedLegacy, 'numberMatching')).toMatchObject({ state: 'enabled', enabledTarget: 'all_users', enforcedByMicrosoft: false });
    expect(featureStatus(seedLegacy, 'displayAppInformation')).toMatchObject({ state: 'enabled', enabledTarget: 'all_users', includeTarget: null, excludeTarget: null });
  });

  it('reports the one enabled target among several', () => {
    expect(featureStatus(legacyTenant, 'displayAppInformation')).toMatchObject({ state: 'enabled', enabledTarget: PILOT, enabledTargets: [PILOT] });
  });

  it('reports default when no target is enabled and some is at default', () => {
    expect(featureStatus(legacyTenant, 'displayLocationInformation')).toMatchObject({ state: 'default', enabledTarget: null, enabledTargets: [] });
  });

  it('reports disabled when every target carrying the key is disabled', () => {
    const config = clone(legacyTenant);
    config.includeTargets = [{ targetType: 'group', id: HELPDESK, displayLocationInformationRequiredState: 'disabled' }, { targetType: 'group', id: 'all_users' }];
    expect(featureStatus(config, 'displayLocationInformation').state).toBe('disabled');
  });

  it('lists every enabled target of an already inconsistent tenant and names no single one', () => {
    const config = clone(legacyTenant);
    config.includeTargets = [
      { targetType: 'group', id: PILOT, displayAppInformationRequiredState: 'enabled' },
      { targetType: 'group', id: HELPDESK, displayAppInformationRequiredState: 'enabled' },
    ];
    expect(featureStatus(config, 'displayAppInformation')).toMatchObject({ enabledTarget: null, enabledTargets: [PILOT, HELPDESK] });
  });

  it('treats number matching as enforced when no target carries its key', () => {
    const config = clone(seedLegacy);
    config.includeTargets = [{ targetType: 'group', id: 'all_users', authenticationMode: 'any', displayAppInformationRequiredState: 'enabled' }];
    expect(isNumberMatchingEnforced(config)).toBe(true);
    expect(isNumberMatchingEnforced(seedLegacy)).toBe(false);
  });

  it('says companion app does not exist in the legacy shape', () => {
    const error = policyErrorOf(() => featureStatus(seedLegacy, 'companionApp'));
    expect(error.code).toBe('UnsupportedInShape');
    expect(error.message).toMatch(/companionApp .* exists only in the featureSettings shape/);
  });

  it('asks for the beta read when include targets are missing', () => {
    const error = policyErrorOf(() => featureStatus({ ...seedLegacy, includeTargets: null }, 'displayAppInformation'));
    expect(error.code).toBe('MalformedConfig');
    expect(error.message).toContain('includeTargets is missing');
  });

  it('names the target whose state is not a known value', () => {
    const config = clone(seedLegacy);
    config.includeTargets = [{ targetType: 'group', id: 'all_users', numberMatchingRequiredState: true }];
    expect(policyErrorOf(() => featureStatus(config, 'numberMatching')).message).toContain('includeTargets[0].numberMatchingRequiredState is true');
  });
});
