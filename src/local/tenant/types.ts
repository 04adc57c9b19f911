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
}

export interface TenantData {
  tenantId: string;
  users: TenantUser[];
  groups: TenantGroup[];
  /** The stored Authenticator configuration; default: the shape's demo configuration. */
  config: AuthenticatorConfig;
}

export type FaultStatus = 429 | 503 | 504 | 500 | 403;

export interface Fault {
  method?: 'GET' | 'PATCH' | 'POST';
  pathIncludes?: string;
  status: FaultStatus;
  retryAfterSeconds?: number;
  /** How many matching requests get this answer before it is spent. */
  times: number;
}

export interface Incident {
  /** A group id (its transitive user members) or 'all_users'. */
  target: string;
  from: Date;
  to: Date;
  /** Share of that target's MFA sign-ins inside [from, to] that fail, 0..1. */
  failureRate: number;
  /** Error code of those failures; default: the usual mix (500121, 50074, 50076, 50158, 53003). */
  errorCode?: number;
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
  /** Identity and access reports limit, per tenant, on the real clock. Default 5 requests per 10 s; `false` disables it. */
  reportsThrottle?: ThrottleSettings | false;
  /** Baseline share of MFA sign-ins that fail outside incidents. Default 0.02. */
  baselineFailureRate?: number;
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
  clearIncidents(): void;
  addUser(user: NewUser): TenantUser;
  addGroup(group: NewGroup): TenantGroup;
  /** Adds a user or a group (nesting) to a group. */
  addMember(groupId: string, memberId: string): void;
  /** MFA sign-ins in [from, to] (bounded by now()), of a target's members or of everyone. */
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
