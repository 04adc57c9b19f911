/** Why the policy engine refused: each code names a condition a caller can act on. */
export type PolicyErrorCode =
  | 'NumberMatchingEnforced'
  | 'UnsupportedInShape'
  | 'InconsistentTenant'
  | 'InvalidTarget'
  | 'InvalidRollbackMode'
  | 'MalformedConfig'
  | 'ShapeMismatch';

/** A refusal with a sentence meant for an administrator; it never carries tenant secrets, only ids and states. */
export class PolicyError extends Error {
  readonly code: PolicyErrorCode;

  constructor(code: PolicyErrorCode, message: string) {
    super(message);
    this.name = 'PolicyError';
    this.code = code;
  }
}

export const NUMBER_MATCHING_ENFORCED_MESSAGE =
  'Microsoft enforces number matching for every Microsoft Authenticator push notification since 8 May 2023, ' +
  'so there is nothing to roll out and the policy is left unchanged.';
