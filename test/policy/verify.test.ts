import { applyPatch, planEnable, planRollback, verifyWrite } from '../../src/policy';
import { AUTHENTICATOR_ODATA_TYPE, type AuthenticatorConfig, type JsonObject } from '../../src/policy/types';
import { clone, deepFreeze, EARLY, featureSettingsBetaTenant, featureSettingsTenant, HELPDESK, legacyTenant, PILOT, seedLegacy } from './fixtures';

deepFreeze([seedLegacy, legacyTenant, featureSettingsTenant, featureSettingsBetaTenant]);

function targets(config: AuthenticatorConfig): JsonObject[] {
  return config.includeTargets as JsonObject[];
}

function settings(config: AuthenticatorConfig): JsonObject {
  return config.featureSettings as JsonObject;
}

describe('applying a PATCH body the way Graph does', () => {
  it('replaces top-level properties and the includeTargets collection, leaving the rest', () => {
    const after = applyPatch(seedLegacy, { '@odata.type': AUTHENTICATOR_ODATA_TYPE, state: 'disabled', includeTargets: [{ targetType: 'group', id: PILOT }] });
    expect(after).toEqual({ ...seedLegacy, state: 'disabled', includeTargets: [{ targetType: 'group', id: PILOT }] });
  });

  it('replaces featureSettings as a whole but keeps a numberMatchingRequiredState the body omits', () => {
    const body = { '@odata.type': AUTHENTICATOR_ODATA_TYPE, featureSettings: { displayAppInformationRequiredState: { state: 'default' } } };
    expect(settings(applyPatch(featureSettingsBetaTenant, body))).toEqual({
      numberMatchingRequiredState: settings(featureSettingsBetaTenant).numberMatchingRequiredState,
      displayAppInformationRequiredState: { state: 'default' },
    });
  });

  it('does not store annotations sent in the body', () => {
    expect(applyPatch(seedLegacy, { '@odata.type': 'other', '@odata.context': 'x' })).toEqual(seedLegacy);
  });
});

describe('verifying a write by reading the policy back', () => {
  it('accepts a read-back that shows exactly what was written', () => {
    for (const [config, feature, ring] of [
      [featureSettingsTenant, 'displayAppInformation', PILOT],
      [legacyTenant, 'displayAppInformation', EARLY],
      [seedLegacy, 'numberMatching', PILOT],
    ] as const) {
      const planned = planEnable(config, feature, ring);
      expect(verifyWrite(config, planned, applyPatch(config, planned.body))).toEqual({ ok: true, problems: [] });
    }
  });

  it('ignores annotation differences such as a new @odata.context', () => {
    const planned = planEnable(featureSettingsTenant, 'displayAppInformation', PILOT);
    const readBack = { ...applyPatch(featureSettingsTenant, planned.body), '@odata.context': 'https://graph.microsoft.com/beta/$metadata#x' };
    expect(verifyWrite(featureSettingsTenant, planned, readBack).ok).toBe(true);
  });

  it('reports a read-back in which the write did not take effect, naming expected and actual', () => {
    const planned = planEnable(featureSettingsTenant, 'displayAppInformation', PILOT);
    expect(verifyWrite(featureSettingsTenant, planned, featureSettingsTenant)).toEqual({
      ok: false,
      problems: [`expected displayAppInformation enabled for ${PILOT}, read-back shows state default for all_users`],
    });
  });

  it('reports a featureSettings entry the rollout does not own that changed', () => {
    const planned = planEnable(featureSettingsTenant, 'displayAppInformation', PILOT);
    const readBack = applyPatch(featureSettingsTenant, planned.body);
    (settings(readBack).displayLocationInformationRequiredState as JsonObject).state = 'disabled';
    expect(verifyWrite(featureSettingsTenant, planned, readBack).problems).toEqual([
      'featureSettings.displayLocationInformationRequiredState changed although the rollout does not own it',
    ]);
  });

  it('reports a changed exclude target of the rolled-out feature', () => {
    const planned = planEnable(featureSettingsTenant, 'displayLocationInformation', PILOT);
    const readBack = applyPatch(featureSettingsTenant, planned.body);
    (settings(readBack).displayLocationInformationRequiredState as JsonObject).excludeTarget = { targetType: 'group', id: EARLY };
    expect(verifyWrite(featureSettingsTenant, planned, readBack).problems).toEqual([
      `expected displayLocationInformation to keep exclude target ${HELPDESK}, read-back shows ${EARLY}`,
    ]);
  });

  it('reports a top-level property changed by someone else', () => {
    const planned = planEnable(legacyTenant, 'displayAppInformation', EARLY);
    const readBack = { ...applyPatch(legacyTenant, planned.body), state: 'disabled' };
    expect(verifyWrite(legacyTenant, planned, readBack).problems).toEqual(['state changed although the rollout does not own it']);
  });

  it('reports a legacy target whose other properties changed, naming target and property', () => {
    const planned = planEnable(legacyTenant, 'displayAppInformation', 'all_users');
    const readBack = applyPatch(legacyTenant, planned.body);
    targets(readBack)[2]!.authenticationMode = 'any';
    expect(verifyWrite(legacyTenant, planned, readBack).problems).toEqual([`target ${HELPDESK}: authenticationMode changed although the rollout does not own it`]);
  });

  it('reports a legacy read-back with two enabled targets', () => {
    const planned = planEnable(legacyTenant, 'displayAppInformation', 'all_users');
    const readBack = applyPatch(legacyTenant, planned.body);
    targets(readBack)[1]!.displayAppInformationRequiredState = 'enabled';
    expect(verifyWrite(legacyTenant, planned, readBack).problems).toEqual([
      `expected displayAppInformation enabled for all_users, read-back shows state enabled for all_users, ${PILOT}`,
      `target ${PILOT}: expected displayAppInformationRequiredState default, read-back shows enabled`,
    ]);
  });

  it('reports targets that disappeared, appeared or were not removed', () => {
    const current = applyPatch(legacyTenant, planEnable(legacyTenant, 'displayAppInformation', EARLY).body);
    const planned = planRollback(legacyTenant, current, 'displayAppInformation', 'snapshot');
    const readBack = clone(current);
    readBack.includeTargets = [...targets(current).filter((t) => t.id !== HELPDESK), { targetType: 'group', id: 'b0b0b0b0-0000-4000-8000-000000000001' }];
    expect(verifyWrite(current, planned, readBack).problems).toEqual(
      expect.arrayContaining([
        `target ${EARLY} is still present although the write removed it`,
        'target b0b0b0b0-0000-4000-8000-000000000001 appeared although the rollout does not own it',
        `target ${HELPDESK} disappeared although the rollout does not own it`,
      ]),
    );
  });

  it('accepts a legacy read-back where Graph filled absent feature states with default', () => {
    const planned = planEnable(seedLegacy, 'numberMatching', PILOT);
    const readBack = applyPatch(seedLegacy, planned.body);
    targets(readBack)[0]!.displayLocationInformationRequiredState = 'default';
    Object.assign(targets(readBack)[1]!, { displayAppInformationRequiredState: 'default', displayLocationInformationRequiredState: 'default' });
    expect(verifyWrite(seedLegacy, planned, readBack)).toEqual({ ok: true, problems: [] });
  });

  it('reports a read-back in a different shape', () => {
    const planned = planEnable(legacyTenant, 'displayAppInformation', EARLY);
    expect(verifyWrite(legacyTenant, planned, featureSettingsTenant).problems).toEqual([
      'read-back shows the featureSettings shape but the write was planned against the legacy shape',
    ]);
  });

  it('accepts the config before the write as the read-back when the write was already in effect', () => {
    const planned = planEnable(legacyTenant, 'displayAppInformation', PILOT);
    expect(verifyWrite(legacyTenant, planned, legacyTenant).ok).toBe(true);
  });
});
