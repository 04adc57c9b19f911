/**
 * Sign-in error codes that mean an MFA prompt failed or was refused: 500121 strong authentication failed (a denied
 * push), 50074 and 50076 strong authentication required, 50158 external challenge not satisfied, 53003 blocked by
 * Conditional Access.
 */
export const MFA_FAILURE_CODES: readonly number[] = [500121, 50074, 50076, 50158, 53003];

export function isMfaFailure(errorCode: number): boolean {
  return MFA_FAILURE_CODES.includes(errorCode);
}
