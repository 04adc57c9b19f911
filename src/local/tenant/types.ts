import type { AuthenticatorConfig, PatchBody } from '../../policy/types';

export type ApiVersion = 'v1.0' | 'beta';
export type TenantShape = 'featureSettings' | 'legacy';

export interface TenantUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** Authentication methods as userRegistrationDetails names them, e.g. 'microsoftAuthenticatorPush'. */
  methodsRegistered: string[];
}

export interface TenantGroup {
  id: string;
  displayName: string;
  /** Direct members: user ids and group ids (nested groups). */
  members: string[];
  /**
   * Also direct members: the generated users with population index in [from, to) (see TenantOptions.users), so a
   * 50,000-member ring needs no list of ids.
   */
  memberRange?: { from: number; to: number };
}

export interface TenantData {
  tenantId: string;
  users: TenantUser[];
  groups: TenantGroup[];
  /** The stored Authenticator configuration; default: the shape's demo configuration. */
  config: AuthenticatorConfig;
}

/** An HTTP status to answer with, or 'hang': the request is held open and never answered (until the caller gives up). */
export type FaultStatus = 429 | 503 | 504 | 500 | 403 | 401 | 'hang';

export interface Fault {
  method?: 'GET' | 'PATCH' | 'POST';
  pathIncludes?: string;
  status: FaultStatus;
  retryAfterSeconds?: number;
  /** How many matching requests get this answer before it is spent. */
  times: number;
}

/**
 * A push-failure incident: shorthand for a traffic rule `{ target, from, to, pushFailureRate: failureRate }`. Only
 * Authenticator push completions fail more often (error 500121 with the usual reason mix); interrupts, text messages
 * and previously-satisfied sign-ins are unchanged.
 */
export interface Incident {
  /** A group id (its transitive user members) or 'all_users'. */
  target: string;
  from: Date;
  to: Date;
  /** Share of that target's Authenticator push sign-ins inside [from, to] that fail, 0..1. */
  failureRate: number;
  /** Only 500121 (the code of a failed push) is accepted; kept so that older callers stay valid. */
  errorCode?: number;
}

/** Why a push completion failed, with the result detail Entra writes for it. */
export type PushFailureReason = 'declined' | 'noResponse' | 'wrongNumber' | 'fraud';

/** How MFA sign-ins are performed; shares are normalised, so they need not add up to 1. */
export interface MethodMix {
  /** Microsoft Authenticator push ("Mobile app notification"). */
  push: number;
  /** "Previously satisfied" / "MFA requirement satisfied by claim in the token": no prompt at all. */
  previouslySatisfied: number;
  /** Text message (SMS) code. */
  textMessage: number;
  /** Authenticator or OATH verification code typed in ("Mobile app verification code"): no push. */
  verificationCode: number;
}

/** The knobs a traffic rule can change for its users and time range. */
export interface TrafficKnobs {
  /** MFA sign-ins (sessions) per user per day; each makes one to a few records. */
  mfaSignInsPerUserPerDay: number;
  /** Share of push completions that fail (error 500121). Healthy tenants: 0.02-0.05. */
  pushFailureRate: number;
  /** Relative weights of the push failure reasons. */
  failureMix: Record<PushFailureReason, number>;
  methodMix: MethodMix;
  /** Share of push and text-message sign-ins with a 50074/50076 interrupt record a few seconds before completion. */
  interruptShare: number;
  /** Extra interrupt records per push sign-in, on average (an interrupt storm; no extra failures). */
  interruptStorm: number;
  /** Share of text-message completions that fail ("MFA denied; invalid verification code"). */
  textMessageFailureRate: number;
}

/** Tenant-wide sign-in traffic: the knobs' defaults plus what no rule changes. */
export interface TrafficProfile extends TrafficKnobs {
  /** Changes every generated sign-in (same seed, same traffic). */
  seed: number;
  singleFactorSignInsPerUserPerDay: number;
  /** Share of push sign-ins preceded by a 50158 external-challenge interrupt instead of 50074/50076. */
  externalChallengeShare: number;
  /** Share of MFA sign-ins blocked by Conditional Access (53003), with no MFA step. */
  blockedShare: number;
  /** Share of records published twice (same id). */
  duplicateShare: number;
  /** Ingestion latency: when each record becomes visible; `false`: at once. */
  latency: IngestionLatency | false;
}

export interface IngestionLatency {
  p95Seconds: number;
  p99Seconds: number;
  /** The slowest record (the tail above the 99th percentile spreads up to it). */
  maxSeconds: number;
}

/** Knobs for some users and a time range; later rules win over earlier ones for the fields they set. */
export interface TrafficRule extends Partial<TrafficKnobs> {
  /** A group id (its transitive user members) or 'all_users'; default: everyone (with userIds: nobody else). */
  target?: string;
  /** These users (besides the target's members when both are given). */
  userIds?: string[];
  /** Inclusive bounds on the sign-in time; open when absent. */
  from?: Date;
  to?: Date;
}

/** What really happened in a window (ground truth, whatever the log shows yet), per MFA sign-in. */
export interface SignInTruth {
  /** MFA sign-ins (sessions), completed inside the window. */
  mfaSignIns: number;
  pushAttempts: number;
  pushSuccesses: number;
  pushFailures: number;
  pushFailuresByReason: Record<PushFailureReason, number>;
  previouslySatisfied: number;
  textMessage: number;
  textMessageFailures: number;
  verificationCode: number;
  blocked: number;
  /** Interrupt records (50074, 50076, 50158) of those sign-ins. */
  interrupts: number;
  singleFactor: number;
  /** Records published, duplicates included. */
  records: number;
  duplicates: number;
}

/** Identity and access reports requests (sign-in logs, registration details) seen by the tenant. */
export interface ReportStats {
  requests: number;
  throttled: number;
  /** Sum of the Retry-After seconds of the throttled answers. */
  retryAfterSeconds: number;
}

export type TimelineActor = 'app' | 'admin';

export interface TimelineEntry {
  /** The tenant clock (`now()`) when the PATCH was accepted. */
  at: string;
  apiVersion: ApiVersion;
  body: PatchBody;
  before: AuthenticatorConfig;
  after: AuthenticatorConfig;
  /** 'app': through Graph with a token; 'admin': someone else (drift), via the control API. */
  actor: TimelineActor;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  /** The tenant clock (`now()`) when the request arrived. */
  at: string;
}

export interface ThrottleSettings {
  requests: number;
  windowSeconds: number;
  /**
   * Which clock the window is measured on. 'tenant' (default): the tenant's `now()`, so on a virtual clock a bench
   * counts throttled virtual seconds (the caller must advance the clock while it waits). 'real': wall-clock time, for
   * a virtual clock that stands still while a client sleeps on Retry-After.
   */
  clock?: 'tenant' | 'real';
}

export interface TenantOptions {
  shape?: TenantShape;
  /** Clock for "now" (virtual in tests/demo). Default: real time. Called on every request. */
  now?: () => Date;
  seed?: Partial<TenantData>;
  port?: number;
  /** Faults active from the start; also changeable at runtime through `control`. */
  faults?: Fault[];
  /** The next N GETs of the configuration after a PATCH answer the pre-PATCH configuration (eventual consistency). */
  readAfterWriteLagReads?: number;
  /** Identity and access reports limit, per app per tenant. Default 5 requests per 10 s (tenant clock); `false` disables it. */
  reportsThrottle?: ThrottleSettings | false;
  /** Baseline share of Authenticator push completions that fail; shorthand for `traffic.pushFailureRate`. Default 0.03. */
  baselineFailureRate?: number;
  /**
   * Size of the generated user population (demo users, lazily derived from their index). Default 200 (the demo
   * tenant) or 0 when `seed.users` is given; explicit seed users come on top.
   */
  users?: number;
  /**
   * Tenant-wide MFA sign-ins per day (sessions, each one to a few records): shorthand for
   * `traffic.mfaSignInsPerUserPerDay = mfaSignInsPerDay / users`. Default: 3 per user per day.
   */
  mfaSignInsPerDay?: number;
  /** Sign-in traffic; anything not set keeps its realistic default (DEFAULT_TRAFFIC). */
  traffic?: Partial<TrafficProfile>;
  /** Traffic rules active from the start (see TenantControl.addTrafficRule). */
  trafficRules?: TrafficRule[];
}

export interface SignInTally {
  signIns: number;
  failures: number;
}

export interface NewUser {
  id?: string;
  userPrincipalName: string;
  displayName?: string;
  methodsRegistered?: string[];
}

export interface NewGroup {
  id?: string;
  displayName: string;
  members?: string[];
}

export interface TenantControl {
  /** The stored configuration, including what Graph hides (numberMatchingRequiredState, beta-only keys). */
  config(): AuthenticatorConfig;
  /** Replaces the stored configuration as is (no validation, not in the timeline). */
  setConfig(config: AuthenticatorConfig): void;
  /** Someone else's change (drift): the Graph PATCH rules apply; recorded with actor 'admin'. Throws TenantRequestError. */
  patchConfigAsAdmin(body: PatchBody, apiVersion?: ApiVersion): void;
  timeline(): TimelineEntry[];
  requests(): RequestLogEntry[];
  injectFaults(faults: Fault[]): void;
  clearFaults(): void;
  denyPermission(permission: string): void;
  grantPermission(permission: string): void;
  permissions(): string[];
  addIncident(incident: Incident): void;
  /** Removes the rules added as incidents. */
  clearIncidents(): void;
  /** Validates (throws Error naming the problem) and adds a rule; it applies to sign-ins generated from now on, at any time. */
  addTrafficRule(rule: TrafficRule): void;
  /** Removes every rule, incidents included. */
  clearTrafficRules(): void;
  trafficRules(): TrafficRule[];
  /** Changes tenant-wide traffic settings (same validation as rules). */
  setTraffic(traffic: Partial<TrafficProfile>): void;
  traffic(): TrafficProfile;
  /** Ground truth of the MFA sign-ins completed in [from, to] (bounded by now), of a target's members or of everyone. */
  signInTruth(from: Date, to: Date, target?: string): SignInTruth;
  /** Report requests and throttled answers so far (all apps). */
  reportStats(): ReportStats;
  resetReportStats(): void;
  addUser(user: NewUser): TenantUser;
  addGroup(group: NewGroup): TenantGroup;
  /** Adds a user or a group (nesting) to a group. */
  addMember(groupId: string, memberId: string): void;
  /**
   * What a naive reader of the log sees: records with authenticationRequirement multiFactorAuthentication created
   * in [from, to] and visible now (duplicates and interrupts included), and among them those whose errorCode is one
   * of MFA_FAILURE_CODES. Not a health measure: see signInTruth.
   */
  signInCount(from: Date, to: Date, target?: string): SignInTally;
}

export interface EmulatedTenant {
  /** 'http://127.0.0.1:<port>' (no trailing slash, no version). */
  url: string;
  /** `${url}/msi/token` (App Service managed identity protocol). */
  identityEndpoint: string;
  /** Random secret the managed identity endpoint requires in X-IDENTITY-HEADER. */
  identityHeader: string;
  control: TenantControl;
  close(): Promise<void>;
}
