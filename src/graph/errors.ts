import type { AuthenticatorConfig } from '../policy/types';

/** What every gateway error shows when serialised: enough to act on and to quote to Microsoft support, no secrets. */
export interface GraphErrorJson {
  name: string;
  message: string;
  status: number;
  code: string;
  /** null when Graph gave none (JSON keeps the key, so logs always show the field). */
  requestId: string | null;
  /** Whether the step may succeed if tried again later (see GraphError.retryable). */
  retryable: boolean;
}

export interface GraphErrorDetails {
  /** HTTP status Graph answered; 0 when Graph was never reached. */
  status: number;
  /** Graph's error code (e.g. `accessDenied`), or the gateway's own when Graph gave none. */
  code: string;
  /** Graph's own error message, verbatim ('' when Graph sent none). */
  graphMessage: string;
  requestId: string | undefined;
  /** What the gateway was doing, e.g. "update the Microsoft Authenticator configuration". */
  operation: string;
  /** The request as sent, without its query string, e.g. `GET /v1.0/groups/<id>`; '' when none was built. */
  request?: string;
}

/** Codes of failures that a later try may not meet: the network, a timeout. */
const TRANSIENT_CODES: readonly string[] = ['networkError', 'timeout'];

/** A Microsoft Graph call that failed. The message is a sentence for an administrator; details are kept as fields. */
export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  readonly graphMessage: string;
  readonly requestId: string | undefined;
  readonly operation: string;
  readonly request: string;

  constructor(message: string, details: GraphErrorDetails) {
    super(message);
    this.name = 'GraphError';
    this.status = details.status;
    this.code = details.code;
    this.graphMessage = details.graphMessage;
    this.requestId = details.requestId;
    this.operation = details.operation;
    this.request = details.request ?? '';
  }

  /**
   * Whether trying the same step again later can succeed: throttling, 5xx, timeouts and network failures can; a 400,
   * 401, 403 or 404 cannot, and retrying them only delays the message an administrator must act on.
   */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500 || (this.status === 0 && TRANSIENT_CODES.includes(this.code));
  }

  toJSON(): GraphErrorJson {
    return { name: this.name, message: this.message, status: this.status, code: this.code, requestId: this.requestId ?? null, retryable: this.retryable };
  }
}

/** Graph refused to persist the policy PATCH (400): the body breaks one of its rules. */
export class GraphPolicyRejectedError extends GraphError {
  constructor(message: string, details: GraphErrorDetails) {
    super(message, details);
    this.name = 'GraphPolicyRejectedError';
  }
}

/** 401/403: no usable token, or the identity lacks `permission`. */
export class GraphPermissionError extends GraphError {
  /** The Microsoft Graph application permission the operation needs. */
  readonly permission: string;

  constructor(message: string, details: GraphErrorDetails & { permission: string }) {
    super(message, details);
    this.name = 'GraphPermissionError';
    this.permission = details.permission;
  }
}

/** 404: the group, user or resource the operation names does not exist. */
export class GraphNotFoundError extends GraphError {
  constructor(message: string, details: GraphErrorDetails) {
    super(message, details);
    this.name = 'GraphNotFoundError';
  }
}

/** Graph kept throttling (429) or being unavailable (503/504) until the retries ran out. */
export class GraphThrottledError extends GraphError {
  readonly attempts: number;
  /** The wait Graph last asked for, when it sent Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, details: GraphErrorDetails & { attempts: number; retryAfterSeconds: number | undefined }) {
    super(message, details);
    this.name = 'GraphThrottledError';
    this.attempts = details.attempts;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** No answer within GRAPH_REQUEST_TIMEOUT (token acquisition included), on every attempt the gateway allows for that. */
export class GraphTimeoutError extends GraphError {
  /** The ISO 8601 limit of one attempt, e.g. `PT30S`. */
  readonly timeout: string;
  readonly attempts: number;

  constructor(message: string, details: GraphErrorDetails & { timeout: string; attempts: number }) {
    super(message, details);
    this.name = 'GraphTimeoutError';
    this.timeout = details.timeout;
    this.attempts = details.attempts;
  }
}

/** The caller's AbortSignal fired: the request (its retries and waits included) was abandoned on purpose. */
export class GraphCancelledError extends GraphError {
  constructor(message: string, details: GraphErrorDetails) {
    super(message, details);
    this.name = 'GraphCancelledError';
  }

  override get retryable(): boolean {
    return false;
  }
}

/** The PATCH was accepted but no read-back within the bound showed the intended configuration. */
export class WriteVerificationError extends GraphError {
  readonly problems: string[];
  readonly lastReadBack: AuthenticatorConfig;
  readonly reads: number;

  constructor(message: string, details: GraphErrorDetails & { problems: string[]; lastReadBack: AuthenticatorConfig; reads: number }) {
    super(message, details);
    this.name = 'WriteVerificationError';
    this.problems = [...details.problems];
    this.lastReadBack = details.lastReadBack;
    this.reads = details.reads;
  }

  /** A later try reads the tenant again and writes only if it still differs. */
  override get retryable(): boolean {
    return true;
  }
}

/** The gateway's configuration (environment or options) is wrong; raised before any call to Graph. */
export class GraphConfigError extends Error {
  /** The setting at fault, e.g. `GRAPH_BASE_URL`. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.name = 'GraphConfigError';
    this.setting = setting;
  }

  toJSON(): { name: string; message: string; setting: string } {
    return { name: this.name, message: this.message, setting: this.setting };
  }
}

/** A gateway operation was called with arguments it cannot use (e.g. `since` after `until`). */
export class GraphInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphInputError';
  }

  toJSON(): { name: string; message: string } {
    return { name: this.name, message: this.message };
  }
}
