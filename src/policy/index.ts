/** The policy engine: pure functions over Microsoft Authenticator configurations, in both Graph shapes. */
export { planEnable } from './enable';
export { PolicyError, type PolicyErrorCode } from './errors';
export { applyPatch } from './patch';
export type { PlannedWrite } from './planned-write';
export { planRollback } from './rollback';
export { detectShape } from './shape';
export { featureStatus, isNumberMatchingEnforced, type FeatureStatus } from './status';
export { verifyWrite, type Verification } from './verify';
