import type { JsonObject } from '../../policy/types';
import type { PushFailureReason, TenantUser } from './types';

/**
 * What Entra writes in a sign-in record, by kind of record. Texts as documented or as real records and public
 * detections show them:
 * - learn.microsoft.com/graph/api/resources/signin and /authenticationdetail (v1.0 and beta): the record and step
 *   fields; method names "Password", "Previously satisfied"; step result "MFA requirement satisfied by claim in the
 *   token";
 * - learn.microsoft.com/entra/identity/authentication/howto-mfa-reporting (MicrosoftDocs/azure-docs
 *   articles/active-directory/authentication/howto-mfa-reporting.md): the MFA result details ("MFA successfully
 *   completed", "MFA completed in Azure AD", "MFA required in Azure AD", "Authentication in progress", the "MFA
 *   denied; ..." texts);
 * - Azure/Azure-Sentinel Detections/SigninLogs/ExplicitMFADeny.yaml: 500121 with "MFA denied; user declined the
 *   authentication" and "MFA denied; Phone App Reported Fraud"; SigmaHQ rules/cloud/azure/signin_logs
 *   azure_mfa_denies.yml (status contains "MFA Denied");
 * - learn.microsoft.com/entra/identity-platform/reference-error-codes: 50074 "Strong Authentication is required.",
 *   50076, 50158, 53003 and 500121 failure reasons;
 * - published sign-in records: "MFA denied; user did not select the correct number" (number matching) and
 *   "MFA denied; invalid verification code" (text message).
 */

export const PUSH_METHOD = 'Mobile app notification';

export const PUSH_FAILURE_DETAILS: Readonly<Record<PushFailureReason, string>> = {
  declined: 'MFA denied; user declined the authentication',
  noResponse: 'MFA denied; user did not respond to mobile app notification',
  wrongNumber: 'MFA denied; user did not select the correct number',
  fraud: 'MFA denied; Phone App Reported Fraud',
};

export type RecordKind =
  | 'interrupt'
  | 'externalChallenge'
  | 'push'
  | 'textMessage'
  | 'previouslySatisfied'
  | 'verificationCode'
  | 'blocked'
  | 'singleFactor';

/** One record to render: everything random about it is already drawn. */
export interface RecordFacts {
  id: string;
  correlationId: string;
  atMs: number;
  /** When the sign-in began (the password step): the first interrupt's time, or the record's own. */
  startedAtMs: number;
  user: TenantUser;
  app: { appId: string; appDisplayName: string };
  kind: RecordKind;
  errorCode: number;
  /** For an interrupt: the method the user is being asked for. */
  pending?: 'push' | 'textMessage';
  pushFailure?: PushFailureReason;
  /** A text-message completion that failed. */
  codeRejected?: boolean;
  /** 0..1, picks among equivalent texts and device names. */
  variant: number;
}

const FAILURE_REASONS: Readonly<Record<number, string>> = {
  0: 'Other.',
  500121: 'Authentication failed during strong authentication request.',
  50074: 'Strong Authentication is required.',
  50076:
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.',
  50158: 'External security challenge not satisfied. User will be redirected to another page or authentication provider to satisfy additional authentication challenges.',
  53003: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
};

const DEVICES = ['iPhone 15', 'Pixel 8', 'SM-S918B', 'iPhone 13'] as const;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function step(atMs: number, method: string, detail: string | null, succeeded: boolean, result: string, requirement: string): JsonObject {
  return {
    authenticationStepDateTime: stamp(atMs),
    authenticationMethod: method,
    authenticationMethodDetail: detail,
    succeeded,
    authenticationStepResultDetail: result,
    authenticationStepRequirement: requirement,
  };
}

const MFA_STEP = 'Multifactor authentication';

function mfaStep(f: RecordFacts): { step?: JsonObject; additionalDetails: string | null } {
  const device = DEVICES[Math.floor(f.variant * DEVICES.length)] ?? DEVICES[0];
  const phone = `+X XXXXXXXX${String(Math.floor(f.variant * 90) + 10)}`;
  switch (f.kind) {
    case 'interrupt': {
      const text = f.variant < 0.5 ? 'MFA required in Azure AD' : 'Authentication in progress';
      const method = f.pending === 'textMessage' ? 'Text message' : PUSH_METHOD;
      return { step: step(f.atMs, method, method === PUSH_METHOD ? device : phone, false, text, MFA_STEP), additionalDetails: 'MFA required in Azure AD' };
    }
    case 'push': {
      const detail = f.pushFailure ? PUSH_FAILURE_DETAILS[f.pushFailure] : 'MFA successfully completed';
      return { step: step(f.atMs, PUSH_METHOD, device, !f.pushFailure, detail, MFA_STEP), additionalDetails: f.pushFailure ? detail : 'MFA completed in Azure AD' };
    }
    case 'textMessage': {
      const detail = f.codeRejected ? 'MFA denied; invalid verification code' : 'MFA successfully completed';
      return { step: step(f.atMs, 'Text message', phone, !f.codeRejected, detail, MFA_STEP), additionalDetails: f.codeRejected ? detail : 'MFA completed in Azure AD' };
    }
    case 'verificationCode':
      return { step: step(f.atMs, 'Mobile app verification code', device, true, 'MFA successfully completed', MFA_STEP), additionalDetails: 'MFA completed in Azure AD' };
    case 'previouslySatisfied':
      return {
        step: step(f.atMs, 'Previously satisfied', null, true, 'MFA requirement satisfied by claim in the token', MFA_STEP),
        additionalDetails: 'MFA requirement satisfied by claim in the token',
      };
    case 'externalChallenge':
    case 'blocked':
    case 'singleFactor':
      return { additionalDetails: null };
  }
}

/** A Graph v1.0 `signIn` as the sign-in log returns it. */
export function renderSignIn(f: RecordFacts): JsonObject {
  const mfa = f.kind !== 'singleFactor';
  const { step: second, additionalDetails } = mfaStep(f);
  const password = step(f.startedAtMs, 'Password', 'Password in the cloud', true, 'Correct password', 'Primary authentication');
  return {
    id: f.id,
    createdDateTime: stamp(f.atMs),
    userDisplayName: f.user.displayName,
    userPrincipalName: f.user.userPrincipalName,
    userId: f.user.id,
    appId: f.app.appId,
    appDisplayName: f.app.appDisplayName,
    correlationId: f.correlationId,
    clientAppUsed: 'Browser',
    isInteractive: true,
    conditionalAccessStatus: f.kind === 'blocked' ? 'failure' : mfa ? 'success' : 'notApplied',
    authenticationRequirement: mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
    status: { errorCode: f.errorCode, failureReason: FAILURE_REASONS[f.errorCode] ?? 'Other.', additionalDetails },
    authenticationDetails: second ? [password, second] : [password],
  };
}
