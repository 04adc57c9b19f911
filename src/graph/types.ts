import type { TokenCredential } from '@azure/identity';
import type { AuthenticatorConfig, PatchBody } from '../policy/types';

export type ApiVersion = 'v1.0' | 'beta';

/** One HTTP attempt against Graph, for telemetry. Never carries headers, bodies or query strings. */
export interface GraphRequestInfo {
  method: string;
  /** URL path without the query string, e.g. `/v1.0/groups/<id>`. */
  path: string;
  /** HTTP status; 0 when Graph could not be reached or the gateway refused to send the request. */
  status: number;
  durationMs: number;
  /** 1 for the first try of a request, 2 for its first retry, … */
  attempt: number;
  /** Graph answered 429 Too Many Requests. */
  throttled: boolean;
}

export interface RetryOptions {
  /** Attempts per request, the first included. Default 4. */
  maxAttempts?: number;
  /** First backoff when Graph gives no Retry-After; doubles per retry. Default 1000 ms. */
  baseDelayMs?: number;
  /** Upper bound of one backoff. Default 30 000 ms. */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the request fails with GraphThrottledError. Default 120 s. */
  maxRetryAfterSeconds?: number;
}

export interface VerificationOptions {
  /** Read-backs after a PATCH before giving up. Default 5. */
  reads?: number;
  /** Pause between read-backs (eventual consistency). Default 750 ms. */
  delayMs?: number;
}

/** Client-side pacing of the identity and access reports (sign-ins, registration details). */
export interface ReportsLimitOptions {
  requests: number;
  windowMs: number;
}

export interface GraphGatewayOptions {
  /** Default https://graph.microsoft.com; no version segment. */
  baseUrl?: string;
  /** Default 'v1.0'; 'beta' for the legacy per-target shape. */
  apiVersion?: ApiVersion;
  /** Default: DefaultAzureCredential for `managedIdentityClientId`. */
  credential?: TokenCredential;
  /** Client id of the user-assigned managed identity (AZURE_CLIENT_ID). */
  managedIdentityClientId?: string;
  retry?: RetryOptions;
  verification?: VerificationOptions;
  /** Default 5 requests per 10 s, Graph's limit for these reports. */
  reportsLimit?: ReportsLimitOptions;
  /** Called after every HTTP attempt; an observer that throws is ignored. */
  onRequest?: (request: GraphRequestInfo) => void;
}

export interface WriteCheck {
  ok: boolean;
  problems: string[];
}

export interface MfaSignInTotals {
  signIns: number;
  failures: number;
  failuresByCode: Record<string, number>;
  pages: number;
}

export interface GraphGateway {
  readonly apiVersion: ApiVersion;
  readConfig(): Promise<AuthenticatorConfig>;
  /** PATCH then read back until `check(readBack).ok` (bounded re-reads with short delays). Throws WriteVerificationError. */
  writeConfig(body: PatchBody, check: (readBack: AuthenticatorConfig) => WriteCheck): Promise<{ readBack: AuthenticatorConfig; reads: number }>;
  /** null when the group does not exist. */
  getGroup(id: string): Promise<{ id: string; displayName: string } | null>;
  /** Transitive user members; 'all_users' -> number of users in the tenant. */
  memberCount(target: string): Promise<number>;
  /** Ids of transitive user members; 'all_users' -> null, meaning everyone. */
  memberIds(target: string): Promise<Set<string> | null>;
  /** Transitive membership of a user (or other object) in a group. 'all_users' -> true. */
  isMember(groupId: string, objectId: string): Promise<boolean>;
  /** MFA sign-ins of the target's members with since <= createdDateTime <= until. */
  mfaSignIns(target: string, since: Date, until: Date): Promise<MfaSignInTotals>;
  /** How many of the target's members have Microsoft Authenticator push registered. */
  pushRegistrationCoverage(target: string): Promise<{ members: number; registered: number }>;
}
