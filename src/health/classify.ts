import type { FailureReason } from './totals';

/**
 * Which sign-in records say something about the Authenticator push, and what. Only a record in which a push was
 * actually performed and finished is an outcome: the feature under rollout changes what a push notification shows,
 * so text messages, tokens and "previously satisfied" sign-ins cannot be affected by it, and interrupts (MFA required
 * but not yet done) are followed by the record that carries the real outcome. Sources for every name are listed in
 * docs/health-gate.md.
 */

/** The fields of a Graph v1.0 `signIn` this module reads; everything is optional because logs are not uniform. */
export interface SignInRecord {
  id?: unknown;
  createdDateTime?: unknown;
  userId?: unknown;
  status?: unknown;
  authenticationDetails?: unknown;
}

export type PushOutcome = 'success' | 'declined' | 'noResponse' | 'wrongNumber' | 'fraud' | 'otherFailure';

export type NotCountedReason =
  /** No `id`: it could not be deduplicated, so it is not trusted as an outcome. */
  | 'noId'
  /** No Authenticator push step and no other MFA step (for example a password-only sign-in). */
  | 'noPushStep'
  /** 50074, 50076, 50158 or "Authentication in progress": MFA was requested; the completion record follows. */
  | 'interrupt'
  /** MFA satisfied by a claim in the token or an earlier sign-in: no push was sent. */
  | 'previouslySatisfied'
  /** MFA done with another method (text message, voice, OATH code, FIDO2...). */
  | 'otherMethod';

export type SignInClassification = { counted: true; id: string; outcome: PushOutcome } | { counted: false; why: NotCountedReason };

/**
 * `authenticationMethod` values that mean a Microsoft Authenticator push notification, compared lower-cased with
 * spaces removed. "Mobile app notification" is what v1.0 sign-in logs write; "Authenticator App" is the value the
 * Graph authenticationDetail reference lists; "Phone app notification" is the older `mfaDetail.authMethod` form;
 * `microsoftAuthenticatorPush` and `appNotification` are the Graph usage-report enum members.
 */
export const PUSH_METHOD_NAMES: readonly string[] = [
  'Mobile app notification',
  'Authenticator App',
  'Microsoft Authenticator app notification',
  'Notification through mobile app',
  'Phone app notification',
  'microsoftAuthenticatorPush',
  'appNotification',
];

const PUSH_METHODS = new Set(PUSH_METHOD_NAMES.map(normalise));
const PREVIOUSLY_SATISFIED = new Set(['Previously satisfied', 'Satisfied by token'].map(normalise));
/** A detail that says the app produced a code, not a notification, disqualifies an "Authenticator App" step. */
const CODE_DETAIL = /code|oath|totp/i;
const INTERRUPT_CODES: ReadonlySet<number> = new Set([50074, 50076, 50158]);
const IN_PROGRESS = /authentication in[ -]progress/i;
const SATISFIED_BY_CLAIM = /satisfied by claim|previously satisfied/i;

interface Step {
  method: string;
  methodDetail: string;
  succeeded: boolean | undefined;
  resultDetail: string;
}

export function classifySignIn(record: SignInRecord): SignInClassification {
  const id = typeof record.id === 'string' && record.id.length > 0 ? record.id : undefined;
  if (id === undefined) return { counted: false, why: 'noId' };
  const steps = stepsOf(record.authenticationDetails);
  const pushSteps = steps.filter(isPushStep);
  const push = pushSteps[pushSteps.length - 1];
  if (push === undefined) {
    if (steps.some((s) => PREVIOUSLY_SATISFIED.has(normalise(s.method)) || SATISFIED_BY_CLAIM.test(s.resultDetail))) {
      return { counted: false, why: 'previouslySatisfied' };
    }
    return { counted: false, why: steps.some((s) => isMfaMethod(s.method)) ? 'otherMethod' : 'noPushStep' };
  }
  const status = statusOf(record.status);
  if ((status.errorCode !== undefined && INTERRUPT_CODES.has(status.errorCode)) || IN_PROGRESS.test(push.resultDetail)) {
    return { counted: false, why: 'interrupt' };
  }
  const succeeded = push.succeeded ?? status.errorCode === 0;
  if (succeeded) return { counted: true, id, outcome: 'success' };
  return { counted: true, id, outcome: failureOutcome(`${push.resultDetail}\n${status.additionalDetails}\n${status.failureReason}`) };
}

/** The totals bucket of a failed outcome. */
export function reasonOf(outcome: Exclude<PushOutcome, 'success'>): FailureReason {
  return outcome === 'otherFailure' ? 'other' : outcome;
}

/**
 * The denial reason from the result texts. Fraud is checked first: "MFA denied; Phone App Reported Fraud" also says
 * denied. The texts are Entra's ("MFA denied; user declined the authentication", "... did not respond to mobile app
 * notification"); wrong-number wording is not documented, so it is matched on its words.
 */
function failureOutcome(text: string): Exclude<PushOutcome, 'success'> {
  if (/fraud/i.test(text)) return 'fraud';
  if (/wrong number|incorrect number|number (?:did not|didn't|does not) match|mismatched number/i.test(text)) return 'wrongNumber';
  if (/declined|user denied|pressed deny|denied the (?:authentication|request)/i.test(text)) return 'declined';
  if (/did not respond|didn't respond|no response|not answered|timed out|timeout/i.test(text)) return 'noResponse';
  return 'otherFailure';
}

function isPushStep(step: Step): boolean {
  if (!PUSH_METHODS.has(normalise(step.method))) return false;
  return !(normalise(step.method) === normalise('Authenticator App') && CODE_DETAIL.test(step.methodDetail));
}

/** Every method except the first factor's (password, federation) and the no-push markers counts as an MFA method. */
function isMfaMethod(method: string): boolean {
  const name = normalise(method);
  return name !== '' && name !== 'password' && !PREVIOUSLY_SATISFIED.has(name);
}

function stepsOf(value: unknown): Step[] {
  if (!Array.isArray(value)) return [];
  const steps: Step[] = [];
  for (const raw of value as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const step = raw as Record<string, unknown>;
    steps.push({
      method: text(step.authenticationMethod),
      methodDetail: text(step.authenticationMethodDetail),
      succeeded: typeof step.succeeded === 'boolean' ? step.succeeded : undefined,
      resultDetail: text(step.authenticationStepResultDetail),
    });
  }
  return steps;
}

function statusOf(value: unknown): { errorCode: number | undefined; additionalDetails: string; failureReason: string } {
  if (typeof value !== 'object' || value === null) return { errorCode: undefined, additionalDetails: '', failureReason: '' };
  const status = value as Record<string, unknown>;
  const code = typeof status.errorCode === 'number' ? status.errorCode : typeof status.errorCode === 'string' ? Number(status.errorCode) : Number.NaN;
  return {
    errorCode: Number.isInteger(code) ? code : undefined,
    additionalDetails: text(status.additionalDetails),
    failureReason: text(status.failureReason),
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function normalise(name: string): string {
  return name.replace(/\s+/g, '').toLowerCase();
}
