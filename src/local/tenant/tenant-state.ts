import { ALL_USERS, type AuthenticatorConfig, type PatchBody } from '../../policy/types';
import { applyPatch, initialConfig } from './authenticator-policy';
import { demoGroups, demoUsers, DEMO } from './demo-data';
import { Directory } from './directory';
import { FaultList } from './faults';
import { SignInGenerator, type FailureOdds } from './sign-ins';
import { SlidingWindowLimit } from './throttle';
import { TokenAuthority } from './tokens';
import type {
  ApiVersion,
  Fault,
  Incident,
  NewGroup,
  NewUser,
  RequestLogEntry,
  SignInTally,
  TenantControl,
  TenantGroup,
  TenantOptions,
  TenantShape,
  TenantUser,
  TimelineActor,
  TimelineEntry,
} from './types';

/** What an app registration for this product is granted; Directory.Read.All would also do for directory reads. */
export const DEFAULT_PERMISSIONS = [
  'Policy.Read.All',
  'Policy.ReadWrite.AuthenticationMethod',
  'GroupMember.Read.All',
  'User.Read.All',
  'AuditLog.Read.All',
] as const;

const DEFAULT_BASELINE_FAILURE_RATE = 0.02;

/** Everything the tenant knows; the HTTP layer and the control API both work on it. */
export class TenantState implements TenantControl {
  readonly shape: TenantShape;
  readonly tenantId: string;
  readonly now: () => Date;
  readonly directory: Directory;
  readonly faults = new FaultList();
  readonly tokens = new TokenAuthority();
  readonly reportsLimit: SlidingWindowLimit | undefined;
  readonly signIns: SignInGenerator;
  private stored: AuthenticatorConfig;
  private readonly lagReads: number;
  private lagged: { remaining: number; config: AuthenticatorConfig } | undefined;
  private readonly timelineEntries: TimelineEntry[] = [];
  private readonly requestLog: RequestLogEntry[] = [];
  private readonly granted = new Set<string>(DEFAULT_PERMISSIONS);
  private incidents: Incident[] = [];
  private readonly baselineFailureRate: number;

  constructor(options: TenantOptions = {}) {
    this.shape = options.shape ?? 'featureSettings';
    this.now = options.now ?? (() => new Date());
    const seed = options.seed ?? {};
    this.tenantId = seed.tenantId ?? DEMO.tenantId;
    this.directory = new Directory(seed.users ?? demoUsers(), seed.groups ?? (seed.users ? [] : demoGroups()));
    this.stored = structuredClone(seed.config ?? initialConfig(this.shape));
    this.lagReads = options.readAfterWriteLagReads ?? 0;
    const throttle = options.reportsThrottle ?? { requests: 5, windowSeconds: 10 };
    this.reportsLimit = throttle ? new SlidingWindowLimit(throttle.requests, throttle.windowSeconds * 1000) : undefined;
    this.baselineFailureRate = options.baselineFailureRate ?? DEFAULT_BASELINE_FAILURE_RATE;
    this.signIns = new SignInGenerator(
      () => this.directory.allUsers(),
      (userId, atMs) => this.failureOdds(userId, atMs),
    );
    this.faults.add(options.faults ?? []);
  }

  config(): AuthenticatorConfig {
    return structuredClone(this.stored);
  }

  setConfig(config: AuthenticatorConfig): void {
    this.stored = structuredClone(config);
  }

  patchConfigAsAdmin(body: PatchBody, apiVersion: ApiVersion = this.shape === 'legacy' ? 'beta' : 'v1.0'): void {
    this.patchConfig(body, apiVersion, 'admin');
  }

  /** The configuration a GET sees: during read-after-write lag, the one before the last PATCH. */
  configForRead(): AuthenticatorConfig {
    if (this.lagged && this.lagged.remaining > 0) {
      this.lagged.remaining -= 1;
      return structuredClone(this.lagged.config);
    }
    return this.config();
  }

  /** Validates and stores a PATCH (throws TenantRequestError) and records it in the timeline. */
  patchConfig(body: unknown, apiVersion: ApiVersion, actor: TimelineActor): void {
    const before = this.stored;
    const after = applyPatch(before, body, {
      shape: this.shape,
      version: apiVersion,
      targetExists: (type, id) => this.directory.exists(type, id),
    });
    this.stored = after;
    if (this.lagReads > 0) this.lagged = { remaining: this.lagReads, config: before };
    this.timelineEntries.push({
      at: this.now().toISOString(),
      apiVersion,
      body: structuredClone(body as PatchBody),
      before: structuredClone(before),
      after: structuredClone(after),
      actor,
    });
  }

  timeline(): TimelineEntry[] {
    return structuredClone(this.timelineEntries);
  }

  requests(): RequestLogEntry[] {
    return this.requestLog.map((r) => ({ ...r }));
  }

  logRequest(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
  }

  injectFaults(faults: Fault[]): void {
    this.faults.add(faults);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  denyPermission(permission: string): void {
    this.granted.delete(permission);
  }

  grantPermission(permission: string): void {
    this.granted.add(permission);
  }

  permissions(): string[] {
    return [...this.granted].sort();
  }

  hasAnyPermission(permissions: readonly string[]): boolean {
    return permissions.some((p) => this.granted.has(p));
  }

  addIncident(incident: Incident): void {
    const { target, from, to, failureRate, errorCode } = incident;
    if (target !== ALL_USERS && !this.directory.group(target)) throw new Error(`Incident target '${target}' is neither 'all_users' nor a group of this tenant.`);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from > to) throw new Error('An incident needs valid dates with from <= to.');
    if (!(failureRate >= 0 && failureRate <= 1)) throw new Error(`An incident's failureRate must be between 0 and 1 (got ${failureRate}).`);
    if (errorCode !== undefined && !Number.isInteger(errorCode)) throw new Error(`An incident's errorCode must be an integer (got ${errorCode}).`);
    this.incidents.push({ target, from: new Date(from), to: new Date(to), failureRate, ...(errorCode === undefined ? {} : { errorCode }) });
  }

  clearIncidents(): void {
    this.incidents = [];
  }

  addUser(user: NewUser): TenantUser {
    return this.directory.addUser(user);
  }

  addGroup(group: NewGroup): TenantGroup {
    return this.directory.addGroup(group);
  }

  addMember(groupId: string, memberId: string): void {
    this.directory.addMember(groupId, memberId);
  }

  signInCount(from: Date, to: Date, target?: string): SignInTally {
    const members = target === undefined ? undefined : this.directory.memberUserIds(target);
    return this.signIns.tally(from.getTime(), to.getTime(), this.now().getTime(), members);
  }

  private failureOdds(userId: string, atMs: number): FailureOdds {
    let odds: FailureOdds = { rate: this.baselineFailureRate };
    for (const incident of this.incidents) {
      const inWindow = atMs >= incident.from.getTime() && atMs <= incident.to.getTime();
      if (inWindow && incident.failureRate > odds.rate && this.directory.memberUserIds(incident.target).has(userId)) {
        odds = { rate: incident.failureRate, ...(incident.errorCode === undefined ? {} : { errorCode: incident.errorCode }) };
      }
    }
    return odds;
  }
}

/** The control API alone, so callers (and anything that serialises it) never reach the tenant's internals. */
export function controlOf(state: TenantState): TenantControl {
  return {
    config: () => state.config(),
    setConfig: (config) => state.setConfig(config),
    patchConfigAsAdmin: (body, apiVersion) => state.patchConfigAsAdmin(body, apiVersion),
    timeline: () => state.timeline(),
    requests: () => state.requests(),
    injectFaults: (faults) => state.injectFaults(faults),
    clearFaults: () => state.clearFaults(),
    denyPermission: (permission) => state.denyPermission(permission),
    grantPermission: (permission) => state.grantPermission(permission),
    permissions: () => state.permissions(),
    addIncident: (incident) => state.addIncident(incident),
    clearIncidents: () => state.clearIncidents(),
    addUser: (user) => state.addUser(user),
    addGroup: (group) => state.addGroup(group),
    addMember: (groupId, memberId) => state.addMember(groupId, memberId),
    signInCount: (from, to, target) => state.signInCount(from, to, target),
  };
}
