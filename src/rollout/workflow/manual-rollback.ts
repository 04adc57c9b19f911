import { featureStatus } from '../../policy';
import { FEATURE_KEYS, type AuthenticatorConfig, type Feature, type RollbackMode } from '../../policy/types';

/** What an administrator must do by hand when the automatic rollback could not be verified. */
export function manualRollbackInstructions(feature: Feature, mode: RollbackMode, snapshot: AuthenticatorConfig): string {
  const before = featureStatus(snapshot, feature);
  const key = FEATURE_KEYS[feature];
  const where =
    'Entra admin center > Protection > Authentication methods > Microsoft Authenticator > Configure, or PATCH ' +
    '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator';
  if (before.shape === 'featureSettings') {
    const state = mode === 'default' ? 'default' : before.state;
    return (
      `Fix by hand: in ${where}, set featureSettings.${key} to state "${state}" with include target "${before.includeTarget ?? 'all_users'}" ` +
      `and leave the exclude target as it is; then read the policy back to confirm.`
    );
  }
  const target = mode === 'snapshot' && before.enabledTarget ? `, and "enabled" on target ${before.enabledTarget} only` : '';
  return (
    `Fix by hand: in ${where} (beta), set ${key} to "default" on every include target${target}, remove include targets ` +
    `the rollout added (those not in the pre-rollout snapshot), and keep every other property; then read the policy back to confirm.`
  );
}
