import { applyPatch, describeFeatureChange, planEnable } from '../../src/policy';
import type { JsonObject } from '../../src/policy/types';
import { clone, deepFreeze, EARLY, featureSettingsTenant, HELPDESK, LOCATION_PILOT, legacyTenant, PILOT } from './fixtures';

deepFreeze([legacyTenant, featureSettingsTenant]);

describe('describing what changed for a feature (drift messages)', () => {
  it('is empty when nothing changed for the feature, even if other features changed', () => {
    const after = applyPatch(legacyTenant, planEnable(legacyTenant, 'displayLocationInformation', EARLY).body);
    expect(describeFeatureChange(legacyTenant, after, 'displayAppInformation')).toEqual([]);
    expect(describeFeatureChange(featureSettingsTenant, clone(featureSettingsTenant), 'displayLocationInformation')).toEqual([]);
  });

  it('names the old and new enabled target in the legacy shape', () => {
    const after = applyPatch(legacyTenant, planEnable(legacyTenant, 'displayAppInformation', EARLY).body);
    expect(describeFeatureChange(legacyTenant, after, 'displayAppInformation')).toEqual([`displayAppInformation: enabled target changed from ${PILOT} to ${EARLY}`]);
  });

  it('names a state change and a target set to disabled in the legacy shape', () => {
    const after = clone(legacyTenant);
    const pilot = (after.includeTargets as JsonObject[])[1]!;
    pilot.displayAppInformationRequiredState = 'disabled';
    const all = (after.includeTargets as JsonObject[])[0]!;
    all.displayAppInformationRequiredState = 'disabled';
    expect(describeFeatureChange(legacyTenant, after, 'displayAppInformation')).toEqual([
      `displayAppInformation: enabled target changed from ${PILOT} to none`,
      'displayAppInformation: state changed from enabled to default',
      'displayAppInformation: target all_users changed from default to disabled',
    ]);
  });

  it('names the moved include target of an enabled feature in the featureSettings shape', () => {
    const after = applyPatch(featureSettingsTenant, planEnable(featureSettingsTenant, 'displayLocationInformation', PILOT).body);
    expect(describeFeatureChange(featureSettingsTenant, after, 'displayLocationInformation')).toEqual([
      `displayLocationInformation: enabled target changed from ${LOCATION_PILOT} to ${PILOT}`,
    ]);
  });

  it('names state, include and exclude changes in the featureSettings shape', () => {
    const after = clone(featureSettingsTenant);
    (after.featureSettings as JsonObject).displayLocationInformationRequiredState = {
      state: 'disabled',
      includeTarget: { targetType: 'group', id: 'all_users' },
      excludeTarget: { targetType: 'group', id: EARLY },
    };
    expect(describeFeatureChange(featureSettingsTenant, after, 'displayLocationInformation')).toEqual([
      `displayLocationInformation: enabled target changed from ${LOCATION_PILOT} to none`,
      'displayLocationInformation: state changed from enabled to disabled',
      `displayLocationInformation: include target changed from ${LOCATION_PILOT} to all_users`,
      `displayLocationInformation: exclude target changed from ${HELPDESK} to ${EARLY}`,
    ]);
  });

  it('says when the policy changed shape', () => {
    expect(describeFeatureChange(legacyTenant, featureSettingsTenant, 'displayAppInformation')).toEqual([
      'displayAppInformation: policy shape changed from legacy to featureSettings',
    ]);
  });
});
