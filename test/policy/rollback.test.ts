import { applyPatch, featureStatus, planEnable, planRollback } from '../../src/policy';
import { AUTHENTICATOR_ODATA_TYPE, type AuthenticatorConfig, type Feature, type JsonObject } from '../../src/policy/types';
import { clone, deepFreeze, EARLY, featureSettingsBetaTenant, featureSettingsTenant, HELPDESK, LOCATION_PILOT, legacyTenant, PILOT, seedLegacy, policyErrorOf } from './fixtures';

deepFreeze([seedLegacy, legacyTenant, featureSettingsTenant, featureSettingsBetaTenant]);

/** Runs the rings through enable + applyPatch, as the rollout would against a tenant nobody else touches. */
function rollOut(config: AuthenticatorConfig, feature: Feature, rings: string[]): AuthenticatorConfig {
  return rings.reduce((current, ring) => deepFreeze(applyPatch(current, planEnable(current, feature, ring).body)), config);
}

function settings(config: AuthenticatorConfig): JsonObject {
  return config.featureSettings as JsonObject;
}

describe('rolling back in the featureSettings shape', () => {
  const current = rollOut(featureSettingsTenant, 'displayLocationInformation', [EARLY, 'all_users']);

  it('snapshot mode restores the pre-rollout entry exactly', () => {
    const planned = planRollback(featureSettingsTenant, current, 'displayLocationInformation', 'snapshot');
    expect(applyPatch(current, planned.body)).toEqual(featureSettingsTenant);
    expect(planned.expected).toEqual({
      feature: 'displayLocationInformation',
      enabledTarget: LOCATION_PILOT,
      state: 'enabled',
      includeTarget: LOCATION_PILOT,
      excludeTarget: HELPDESK,
    });
  });

  it('default mode sets state default with the pre-rollout include target', () => {
    const planned = planRollback(featureSettingsTenant, current, 'displayLocationInformation', 'default');
    expect(settings(planned.body).displayLocationInformationRequiredState).toEqual({
      state: 'default',
      includeTarget: { targetType: 'group', id: LOCATION_PILOT },
      excludeTarget: { targetType: 'group', id: HELPDESK },
    });
    expect(planned.expected).toMatchObject({ state: 'default', enabledTarget: null, includeTarget: LOCATION_PILOT });
  });

  it("keeps other features and the exclude target as they are now, not as they were in the snapshot", () => {
    const meanwhile = clone(current);
    const now = settings(meanwhile);
    now.displayAppInformationRequiredState = { state: 'enabled', includeTarget: { targetType: 'group', id: PILOT }, excludeTarget: { targetType: 'group', id: HELPDESK } };
    (now.displayLocationInformationRequiredState as JsonObject).excludeTarget = { targetType: 'group', id: PILOT };
    meanwhile.isSoftwareOathEnabled = true;
    for (const mode of ['default', 'snapshot'] as const) {
      const after = applyPatch(meanwhile, planRollback(featureSettingsTenant, deepFreeze(meanwhile), 'displayLocationInformation', mode).body);
      expect(settings(after).displayAppInformationRequiredState).toEqual(now.displayAppInformationRequiredState);
      expect((settings(after).displayLocationInformationRequiredState as JsonObject).excludeTarget).toEqual({ targetType: 'group', id: PILOT });
      expect(after.isSoftwareOathEnabled).toBe(true);
    }
  });

  it('returns an entry the snapshot lacked to default for all users', () => {
    const rolled = rollOut(featureSettingsTenant, 'companionApp', [PILOT]);
    for (const mode of ['default', 'snapshot'] as const) {
      const entry = settings(planRollback(featureSettingsTenant, rolled, 'companionApp', mode).body).companionAppAllowedState as JsonObject;
      expect([entry.state, entry.includeTarget]).toEqual(['default', { targetType: 'group', id: 'all_users' }]);
    }
  });

  it('never writes numberMatchingRequiredState and keeps what the tenant stores for it', () => {
    const rolled = rollOut(featureSettingsBetaTenant, 'displayAppInformation', [PILOT]);
    const planned = planRollback(featureSettingsBetaTenant, rolled, 'displayAppInformation', 'snapshot');
    expect(settings(planned.body)).not.toHaveProperty('numberMatchingRequiredState');
    expect(planned.body).toEqual({ '@odata.type': AUTHENTICATOR_ODATA_TYPE, featureSettings: expect.any(Object) });
    expect(applyPatch(rolled, planned.body)).toEqual(featureSettingsBetaTenant);
  });

  it('refuses a rollback when the tenant changed shape since the snapshot', () => {
    const error = policyErrorOf(() => planRollback(legacyTenant, featureSettingsTenant, 'displayAppInformation', 'default'));
    expect(error.code).toBe('ShapeMismatch');
    expect(error.message).toContain('roll back by hand');
  });

  it('refuses an unknown rollback mode with the accepted values', () => {
    const error = policyErrorOf(() => planRollback(featureSettingsTenant, current, 'displayAppInformation', 'undo' as never));
    expect([error.code, error.message]).toEqual(['InvalidRollbackMode', 'Invalid rollback mode "undo": expected "default" or "snapshot".']);
  });
});

describe('rolling back in the legacy shape', () => {
  const current = rollOut(legacyTenant, 'displayAppInformation', [EARLY, 'all_users']);

  it('snapshot mode removes the rings the rollout added and brings back the pre-rollout enabled target', () => {
    const planned = planRollback(legacyTenant, current, 'displayAppInformation', 'snapshot');
    expect(applyPatch(current, planned.body)).toEqual(legacyTenant);
    expect(planned.expected).toMatchObject({ state: 'enabled', enabledTarget: PILOT });
  });

  it('default mode removes added rings and leaves no target enabled', () => {
    const planned = planRollback(legacyTenant, current, 'displayAppInformation', 'default');
    const targets = planned.body.includeTargets as JsonObject[];
    expect(targets.map((t) => [t.id, t.displayAppInformationRequiredState])).toEqual([
      ['all_users', 'default'],
      [PILOT, 'default'],
      [HELPDESK, 'default'],
    ]);
    expect(featureStatus(applyPatch(current, planned.body), 'displayAppInformation')).toMatchObject({ state: 'default', enabledTargets: [] });
  });

  it('keeps changes others made meanwhile to other features and properties of the kept targets', () => {
    const meanwhile = clone(current);
    const helpdesk = (meanwhile.includeTargets as JsonObject[])[2]!;
    helpdesk.authenticationMode = 'any';
    helpdesk.displayLocationInformationRequiredState = 'enabled';
    const after = applyPatch(meanwhile, planRollback(legacyTenant, deepFreeze(meanwhile), 'displayAppInformation', 'snapshot').body);
    expect((after.includeTargets as JsonObject[])[2]).toEqual({ ...helpdesk, displayAppInformationRequiredState: 'default' });
  });

  it('snapshot mode removes the key from a target whose snapshot lacked it', () => {
    const rolled = rollOut(seedLegacy, 'displayLocationInformation', ['all_users']);
    expect((rolled.includeTargets as JsonObject[])[0]).toHaveProperty('displayLocationInformationRequiredState', 'enabled');
    expect(applyPatch(rolled, planRollback(seedLegacy, rolled, 'displayLocationInformation', 'snapshot').body)).toEqual(seedLegacy);
  });

  it('refuses number matching when the snapshot shows it enforced', () => {
    const enforced = clone(legacyTenant);
    enforced.includeTargets = [{ targetType: 'group', id: 'all_users' }];
    expect(policyErrorOf(() => planRollback(enforced, enforced, 'numberMatching', 'default')).code).toBe('NumberMatchingEnforced');
  });

  it('rolls number matching back in the seed tenant', () => {
    const rolled = rollOut(seedLegacy, 'numberMatching', [PILOT]);
    expect(applyPatch(rolled, planRollback(seedLegacy, rolled, 'numberMatching', 'snapshot').body)).toEqual(seedLegacy);
  });
});

describe('rolling back in the legacy shape when someone else added a target meanwhile', () => {
  const OTHER_ADMINS_GROUP = '6a1f2e3d-4c5b-4a69-8877-665544332211';
  const rolledOut = rollOut(legacyTenant, 'displayAppInformation', [EARLY, 'all_users']);
  const theirs = { targetType: 'group', id: OTHER_ADMINS_GROUP, isRegistrationRequired: false, authenticationMode: 'push', displayAppInformationRequiredState: 'default' };
  const meanwhile = deepFreeze({ ...rolledOut, includeTargets: [...(rolledOut.includeTargets as JsonObject[]), theirs] });

  it.each(['default', 'snapshot'] as const)('%s mode removes only the rollout ring targets it added and keeps their target untouched', (mode) => {
    const after = applyPatch(meanwhile, planRollback(legacyTenant, meanwhile, 'displayAppInformation', mode, [EARLY, 'all_users']).body);
    const ids = (after.includeTargets as JsonObject[]).map((t) => t.id);
    expect(ids).toContain(OTHER_ADMINS_GROUP);
    expect((after.includeTargets as JsonObject[]).find((t) => t.id === OTHER_ADMINS_GROUP)).toEqual(theirs);
    const added = (rolledOut.includeTargets as JsonObject[]).map((t) => t.id).filter((id) => !(legacyTenant.includeTargets as JsonObject[]).some((t) => t.id === id));
    expect(added.length).toBeGreaterThan(0);
    for (const id of added) expect(ids).not.toContain(id);
  });
});
