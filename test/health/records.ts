import type { SignInRecord } from '../../src/health';

/** Sign-in records in the Graph v1.0 shape, as Entra writes them for each kind of MFA event. */

const PASSWORD = { authenticationMethod: 'Password', succeeded: true, authenticationStepResultDetail: 'Correct password', authenticationStepRequirement: 'Primary authentication' };

function push(succeeded: boolean, detail: string) {
  return {
    authenticationMethod: 'Mobile app notification',
    authenticationMethodDetail: 'Microsoft Authenticator',
    succeeded,
    authenticationStepResultDetail: detail,
    authenticationStepRequirement: 'Multifactor authentication',
  };
}

export function record(id: string, at: string, fields: Partial<SignInRecord>): SignInRecord {
  return { id, createdDateTime: at, userId: 'u-1', ...fields };
}

export const kinds = {
  pushSuccess: (id: string, at = '2026-12-01T08:00:00Z') =>
    record(id, at, { status: { errorCode: 0, additionalDetails: 'MFA completed in Azure AD' }, authenticationDetails: [PASSWORD, push(true, 'MFA completed in Azure AD')] }),
  interrupt: (id: string, at = '2026-12-01T08:00:00Z', errorCode = 50074) =>
    record(id, at, {
      status: { errorCode, failureReason: 'Strong Authentication is required.', additionalDetails: 'MFA required in Azure AD' },
      authenticationDetails: [PASSWORD, push(false, 'Authentication in progress')],
    }),
  denial: (id: string, detail: string, at = '2026-12-01T08:00:00Z') =>
    record(id, at, {
      status: { errorCode: 500121, failureReason: 'Authentication failed during strong authentication request.', additionalDetails: detail },
      authenticationDetails: [PASSWORD, push(false, detail)],
    }),
  previouslySatisfied: (id: string, at = '2026-12-01T08:00:00Z') =>
    record(id, at, {
      status: { errorCode: 0, additionalDetails: 'MFA requirement satisfied by claim in the token' },
      authenticationDetails: [
        PASSWORD,
        { authenticationMethod: 'Previously satisfied', succeeded: true, authenticationStepResultDetail: 'MFA requirement satisfied by claim in the token' },
      ],
    }),
  textMessageFailure: (id: string, at = '2026-12-01T08:00:00Z') =>
    record(id, at, {
      status: { errorCode: 500121, additionalDetails: 'MFA denied; user entered incorrect code' },
      authenticationDetails: [PASSWORD, { authenticationMethod: 'Text message', succeeded: false, authenticationStepResultDetail: 'MFA denied; user entered incorrect code' }],
    }),
  passwordOnly: (id: string, at = '2026-12-01T08:00:00Z') => record(id, at, { status: { errorCode: 0 }, authenticationDetails: [PASSWORD] }),
};
