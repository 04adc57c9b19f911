import type { TokenCredential } from '@azure/identity';
import type { AuthenticatorConfig, Feature, JsonObject, PatchBody } from '../policy/types';
import type { ReportsBudget } from './limiter';

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
  /**
   * Attempts that may run out of time (GRAPH_REQUEST_TIMEOUT each) before the request fails with GraphTimeoutError;
   * they count towards maxAttempts. Default 2: one retry of a timeout, so a hanging Graph costs at most two timeouts.
   */
  timeoutAttempts?: number;
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
  /**
   * An override (GRAPH_API_VERSION). Unset, each call picks its version: beta for companionApp and for a tenant found
   * to serve the legacy per-target shape (visible under /beta only), v1.0 otherwise.
   */
  apiVersion?: ApiVersion;
  /** How long one request may take, token acquisition and answer included (ISO 8601, GRAPH_REQUEST_TIMEOUT). Default PT30S. */
  requestTimeout?: string;
  /** The tenant id, to key the reports budget without reading a token (otherwise the token's `tid` claim). */
  tenantId?: string;
  /** The reports budget to draw on; default the process's budget for the tenant (see ReportsBudget for cross-instance). */
  reportsBudget?: ReportsBudget;
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

/** Every gateway call takes these; all optional. */
export interface CallOptions {
  /** Cancels the call: in-flight request, retries, backoff and the wait for the reports budget (GraphCancelledError). */
  signal?: AbortSignal;
}

export interface ConfigCallOptions extends CallOptions {
  /** The feature the call is for: picks the API version (beta for companionApp) unless GRAPH_API_VERSION overrides it. */
  feature?: Feature;
}

export interface ReportCallOptions extends CallOptions {
  /**
   * Epoch ms by which every report request of the call must have been sent; otherwise ReportsBudgetExceededError (at
   * once when the budget's estimate already says so): a check that cannot finish within its interval says so.
   */
  deadline?: number;
}

export interface SignInWindow extends ReportCallOptions {
  /** createdDateTime ge `from` and le `to` (both inclusive, as Graph filters them). */
  from: Date;
  to: Date;
  /**
   * The ring's members. When given, only their records are yielded, read per user (`userId eq`) when that is cheaper
   * by estimateSignInRead, else tenant-wide and filtered here. Omitted: every record of the tenant in the window.
   */
  userIds?: ReadonlySet<string> | readonly string[];
  /** Records the tenant logged in a window this long, e.g. from the previous window; unknown means tenant-wide. */
  expectedTenantRecords?: number;
  /** Only `authenticationRequirement eq 'multiFactorAuthentication'` records. Default true. */
  mfaOnly?: boolean;
}

export interface RingCoverage {
  target: string;
  /** Transitive user members (users of the tenant for all_users). */
  members: number;
  /** Of them, how many have Microsoft Authenticator push registered. */
  registered: number;
}

/** The tenant's users with Microsoft Authenticator push registered, read once. */
export interface PushRegistrations {
  readonly userIds: ReadonlySet<string>;
  /** Coverage of a member set; `null` members means everyone, counted as `everyone` users. */
  coverageOf(members: ReadonlySet<string> | null, everyone: number): { members: number; registered: number };
}

export interface GraphGateway {
  /** The version of calls made without a feature: the override, else beta once a legacy tenant was seen, else v1.0. */
  readonly apiVersion: ApiVersion;
  /** The same gateway, with `feature` (and so its API version) set on every configuration call. */
  forFeature(feature: Feature): GraphGateway;
  readConfig(options?: ConfigCallOptions): Promise<AuthenticatorConfig>;
  /**
   * PATCH then read back until `check(readBack).ok` (bounded re-reads with short delays), both on the feature's
   * version. Throws WriteVerificationError.
   */
  writeConfig(body: PatchBody, check: (readBack: AuthenticatorConfig) => WriteCheck, options?: ConfigCallOptions): Promise<{ readBack: AuthenticatorConfig; reads: number }>;
  /** null when the group does not exist. */
  getGroup(id: string, options?: CallOptions): Promise<{ id: string; displayName: string } | null>;
  /** Transitive user members; 'all_users' -> number of users in the tenant. */
  memberCount(target: string, options?: CallOptions): Promise<number>;
  /** Ids of transitive user members; 'all_users' -> null, meaning everyone. */
  memberIds(target: string, options?: CallOptions): Promise<Set<string> | null>;
  /** Transitive membership of a user (or other object) in a group. 'all_users' -> true. */
  isMember(groupId: string, objectId: string, options?: CallOptions): Promise<boolean>;
  /**
   * The raw sign-in records of a window, page by page (newest first, as Graph pages them), for a classifier to count.
   * Never sends $select (Graph refuses it on signIns). Throws GraphInputError for an empty or reversed window.
   */
  signIns(window: SignInWindow): AsyncGenerator<JsonObject[]>;
  /** The tenant's push registrations, one paged read of the registration details report. */
  pushRegistrations(options?: ReportCallOptions): Promise<PushRegistrations>;
  /** Coverage of every ring from ONE registration read (plus each ring's membership). In the order given. */
  ringCoverage(targets: readonly string[], options?: ReportCallOptions): Promise<RingCoverage[]>;
  /** How long (ms) `requests` report requests queued now would wait for the tenant's reports budget. */
  reportsWaitMs(requests?: number): Promise<number>;
}
