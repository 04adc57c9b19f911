import { applyPatch, featureStatus, planEnable } from '../../src/policy';
import { AUTHENTICATOR_ODATA_TYPE, NO_EXCLUDE_GROUP } from '../../src/policy/types';
import {
  BREAK_GLASS,
  clone,
  deepFreeze,
  EARLY,
  featureSettingsBetaTenant,
  featureSettingsTenant,
  HELPDESK,
  LOCATION_PILOT,
  legacyTenant,
  PILOT,
  policyErrorOf,
  seedLegacy,
} from './fixtures';

deepFreeze([seedLegacy, legacyTenant, featureSettingsTenant, featureSettingsBetaTenant]);

describe('enabling a ring in the featureSettings shape', () => {
  it('sends the whole featureSettings object with only the feature entry moved to the ring', () => {
    const planned = planEnable(featureSettingsTenant, 'displayAppInformation', PILOT);
    expect(planned.body).toEqual({
      '@odata.type': AUTHENTICATOR_ODATA_TYPE,
      featureSettings: {
        displayAppInformationRequiredState: {
          state: 'enabled',
          includeTarget: { targetType: 'group', id: PILOT },
          excludeTarget: { targetType: 'group', id: NO_EXCLUDE_GROUP },
        },
        displayLocationInformationRequiredState: {
          state: 'enabled',
          includeTarget: { targetType: 'group', id: LOCATION_PILOT },
          excludeTarget: { targetType: 'group', id: HELPDESK },
        },
      },
    });
    expect(planned.expected).toEqual({ feature: 'displayAppInformation', enabledTarget: PILOT, state: 'enabled', includeTarget: PILOT, excludeTarget: NO_EXCLUDE_GROUP });
  });

  it('keeps the exclude target and unknown properties of the entry and its include target exactly', () => {
    const config = clone(featureSettingsBetaTenant);
    config.featureSettings = {
      displayLocationInformationRequiredState: {
        state: 'enabled',
        includeTarget: { targetType: 'group', id: LOCATION_PILOT, displayName: 'Location pilot' },
        excludeTarget: { targetType: 'group', id: HELPDESK, displayName: 'Helpdesk' },
        rolloutNote: 'set by the portal',
      },
    };
    const entry = (planEnable(deepFreeze(config), 'displayLocationInformation', EARLY).body.featureSettings as Record<string, unknown>)
      .displayLocationInformationRequiredState;
    expect(JSON.stringify(entry)).toBe(
      JSON.stringify({
        state: 'enabled',
        includeTarget: { targetType: 'group', id: EARLY, displayName: 'Location pilot' },
        excludeTarget: { targetType: 'group', id: HELPDESK, displayName: 'Helpdesk' },
        rolloutNote: 'set by the portal',
      }),
    );
  });

  it('never writes numberMatchingRequiredState, even when the read showed it', () => {
    const body = planEnable(featureSettingsBetaTenant, 'companionApp', PILOT).body;
    expect(Object.keys(body.featureSettings as object)).toEqual([
      'displayAppInformationRequiredState',
      'displayLocationInformationRequiredState',
      'companionAppAllowedState',
    ]);
    expect(body).not.toHaveProperty('includeTargets');
  });

  it('creates a missing entry with nobody excluded', () => {
    const body = planEnable(featureSettingsTenant, 'companionApp', PILOT).body;
    expect((body.featureSettings as Record<string, unknown>).companionAppAllowedState).toEqual({
      state: 'enabled',
      includeTarget: { targetType: 'group', id: PILOT },
      excludeTarget: { targetType: 'group', id: NO_EXCLUDE_GROUP },
    });
  });

  it('refuses number matching because Microsoft enforces it since 8 May 2023', () => {
    const error = policyErrorOf(() => planEnable(featureSettingsBetaTenant, 'numberMatching', PILOT));
    expect(error.code).toBe('NumberMatchingEnforced');
    expect(error.message).toContain('Microsoft enforces number matching for every Microsoft Authenticator push notification since 8 May 2023');
    expect(error.message).toContain('nothing to roll out');
  });

  it('refuses a ring that is the exclude target of the feature, whatever its letter case', () => {
    const error = policyErrorOf(() => planEnable(featureSettingsTenant, 'displayLocationInformation', HELPDESK.toUpperCase()));
    expect(error.code).toBe('InvalidTarget');
    expect(error.message).toContain('exclude target of displayLocationInformationRequiredState');
  });

  it.each(['', 'pilot-group', 'All Users'])('refuses the target %p that is neither a GUID nor all_users', (target) => {
    const error = policyErrorOf(() => planEnable(featureSettingsTenant, 'displayAppInformation', target));
    expect(error.code).toBe('InvalidTarget');
    expect(error.message).toContain('expected a group object id (GUID) or "all_users"');
  });

  it('makes the read-back show the ring as the enabled target', () => {
    const after = applyPatch(featureSettingsTenant, planEnable(featureSettingsTenant, 'displayLocationInformation', 'all_users').body);
    expect(featureStatus(after, 'displayLocationInformation')).toMatchObject({ state: 'enabled', enabledTarget: 'all_users', excludeTarget: HELPDESK });
  });
});

describe('enabling a ring in the legacy shape', () => {
  it('moves the enabled target from the previous ring to the next one in the same body', () => {
    const planned = planEnable(legacyTenant, 'displayAppInformation', 'all_users');
    const targets = planned.body.includeTargets as Record<string, unknown>[];
    expect(targets.map((t) => [t.id, t.displayAppInformationRequiredState])).toEqual([
      ['all_users', 'enabled'],
      [PILOT, 'default'],
      [HELPDESK, 'default'],
    ]);
    expect(planned.expected).toEqual({ feature: 'displayAppInformation', enabledTarget: 'all_users', state: 'enabled', includeTarget: null, excludeTarget: null });
  });

  it('sends every target as read, in order, with unknown properties and other features untouched', () => {
    const planned = planEnable(legacyTenant, 'displayAppInformation', 'all_users');
    const expected = clone(legacyTenant.includeTargets) as Record<string, unknown>[];
    expected[0]!.displayAppInformationRequiredState = 'enabled';
    expected[1]!.displayAppInformationRequiredState = 'default';
    expect(JSON.stringify(planned.body)).toBe(JSON.stringify({ '@odata.type': AUTHENTICATOR_ODATA_TYPE, includeTargets: expected }));
  });

  it('appends a ring that is not yet an include target', () => {
    const targets = planEnable(legacyTenant, 'displayLocationInformation', EARLY).body.includeTargets as unknown[];
    expect(targets).toHaveLength(4);
    expect(targets[3]).toEqual({
      targetType: 'group',
      id: EARLY,
      isRegistrationRequired: false,
      authenticationMode: 'any',
      displayLocationInformationRequiredState: 'enabled',
    });
  });

  it('keeps the ring enabled and changes nothing when the ring is already the enabled target', () => {
    expect(planEnable(legacyTenant, 'displayAppInformation', PILOT).body.includeTargets).toEqual(legacyTenant.includeTargets);
  });

  it('switches number matching in the seed tenant from all users to a pilot group', () => {
    const targets = planEnable(seedLegacy, 'numberMatching', PILOT).body.includeTargets as Record<string, unknown>[];
    expect(targets.map((t) => [t.id, t.numberMatchingRequiredState, t.displayAppInformationRequiredState])).toEqual([
      ['all_users', 'default', 'enabled'],
      [PILOT, 'enabled', undefined],
    ]);
  });

  it('refuses number matching when no target carries its key (Microsoft enforces it)', () => {
    const config = clone(legacyTenant);
    config.includeTargets = [{ targetType: 'group', id: 'all_users', authenticationMode: 'any' }];
    expect(policyErrorOf(() => planEnable(config, 'numberMatching', PILOT)).code).toBe('NumberMatchingEnforced');
  });

  it('refuses a tenant that already has more than one enabled target, naming them', () => {
    const config = clone(legacyTenant);
    config.includeTargets = [
      { targetType: 'group', id: PILOT, displayAppInformationRequiredState: 'enabled' },
      { targetType: 'group', id: HELPDESK, displayAppInformationRequiredState: 'enabled' },
    ];
    const error = policyErrorOf(() => planEnable(config, 'displayAppInformation', EARLY));
    expect(error.code).toBe('InconsistentTenant');
    expect(error.message).toContain(`${PILOT}, ${HELPDESK}`);
  });

  it('says companion app cannot be rolled out in the legacy shape', () => {
    expect(policyErrorOf(() => planEnable(legacyTenant, 'companionApp', PILOT)).code).toBe('UnsupportedInShape');
  });

  it('refuses a ring that is excluded from Microsoft Authenticator', () => {
    const error = policyErrorOf(() => planEnable(legacyTenant, 'displayAppInformation', BREAK_GLASS));
    expect(error.code).toBe('InvalidTarget');
    expect(error.message).toContain('excluded from Microsoft Authenticator');
  });
});
