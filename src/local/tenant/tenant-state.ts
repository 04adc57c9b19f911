import { ALL_USERS, type AuthenticatorConfig, type PatchBody } from '../../policy/types';
import { applyPatch, initialConfig } from './authenticator-policy';
import { demoGroups, DEMO } from './demo-data';
import { Directory } from './directory';
import { FaultList } from './faults';
import { DEFAULT_TRAFFIC, SignInGenerator } from './sign-ins';
import { PerAppLimit } from './throttle';
import { TokenAuthority } from './tokens';
import { validProfile, validRule } from './traffic';
import type {
  ApiVersion,
  Fault,
  Incident,
  NewGroup,
  NewUser,
  ReportStats,
  RequestLogEntry,
  SignInTally,
  SignInTruth,
  TenantControl,
  TenantGroup,
  TenantOptions,
  TenantShape,
  TenantUser,
  TimelineActor,
  TimelineEntry,
  TrafficProfile,
  TrafficRule,
} from './types';

/** What an app registration for this product is granted; Directory.Read.All would also do for directory reads. */
export const DEFAULT_PERMISSIONS = [
  'Policy.Read.All',
  'Policy.ReadWrite.AuthenticationMethod',
  'GroupMember.Read.All',
  'User.Read.All',
  'AuditLog.Read.All',
] as const;


/** Everything the tenant knows; the HTTP layer and the control API both work on it. */
export class TenantState implements TenantControl {
  readonly shape: TenantShape;
  readonly tenantId: string;
  readonly now: () => Date;
  readonly directory: Directory;
  readonly faults = new FaultList();
  readonly tokens = new TokenAuthority();
  readonly reportsLimit: PerAppLimit | undefined;
  readonly reportCounters: ReportStats = { requests: 0, throttled: 0, retryAfterSeconds: 0 };
  readonly signIns: SignInGenerator;
  private stored: AuthenticatorConfig;
  private readonly lagReads: number;
  private lagged: { remaining: number; config: AuthenticatorConfig } | undefined;
  private readonly timelineEntries: TimelineEntry[] = [];
  private readonly requestLog: RequestLogEntry[] = [];
  private readonly granted = new Set<string>(DEFAULT_PERMISSIONS);
  /** Traffic rules in order, each marked when it was added as an incident (clearIncidents removes those only). */
  private rules: { rule: TrafficRule; incident: boolean }[] = [];

  constructor(options: TenantOptions = {}) {
    this.shape = options.shape ?? 'featureSettings';
    this.now = options.now ?? (() => new Date());
    const seed = options.seed ?? {};
    this.tenantId = seed.tenantId ?? DEMO.tenantId;
    const population = options.users ?? (seed.users ? 0 : DEMO.userCount);
    if (!(Number.isInteger(population) && population >= 0 && population < 2 ** 31)) throw new Error(`users must be a whole number from 0 (got ${population}).`);
    this.directory = new Directory(population, seed.users ?? [], seed.groups ?? (seed.users ? [] : demoGroups()));
    this.stored = structuredClone(seed.config ?? initialConfig(this.shape));
    this.lagReads = options.readAfterWriteLagReads ?? 0;
    const throttle = options.reportsThrottle ?? { requests: 5, windowSeconds: 10 };
    const clock = throttle && throttle.clock === 'real' ? Date.now : () => this.now().getTime();
    this.reportsLimit = throttle ? new PerAppLimit(throttle.requests, throttle.windowSeconds * 1000, clock) : undefined;
    const profile = validProfile({
      ...DEFAULT_TRAFFIC,
      ...(options.baselineFailureRate === undefined ? {} : { pushFailureRate: options.baselineFailureRate }),
      ...(options.mfaSignInsPerDay === undefined ? {} : { mfaSignInsPerUserPerDay: options.mfaSignInsPerDay / Math.max(1, this.directory.userCount()) }),
      ...options.traffic,
    });
    this.signIns = new SignInGenerator(this.directory, profile);
    for (const rule of options.trafficRules ?? []) this.addTrafficRule(rule);
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
    if (errorCode !== undefined && errorCode !== 500121) {
      throw new Error(`An incident fails Authenticator pushes, whose error code is 500121 (got ${errorCode}); for interrupts use a traffic rule's interruptStorm.`);
    }
    if (!(failureRate >= 0 && failureRate <= 1)) throw new Error(`An incident's failureRate must be between 0 and 1 (got ${failureRate}).`);
    this.pushRule({ target, from, to, pushFailureRate: failureRate }, true);
  }

  clearIncidents(): void {
    this.rules = this.rules.filter((r) => !r.incident);
    this.signIns.setRules(this.rules.map((r) => r.rule));
  }

  addTrafficRule(rule: TrafficRule): void {
    this.pushRule(rule, false);
  }

  clearTrafficRules(): void {
    this.rules = [];
    this.signIns.setRules([]);
  }

  trafficRules(): TrafficRule[] {
    return this.rules.map((r) => structuredClone(r.rule));
  }

  setTraffic(traffic: Partial<TrafficProfile>): void {
    this.signIns.setTraffic(validProfile({ ...this.signIns.traffic(), ...traffic }));
  }

  traffic(): TrafficProfile {
    return this.signIns.traffic();
  }

  signInTruth(from: Date, to: Date, target?: string): SignInTruth {
    if (target !== undefined) this.knownTarget(target, 'Sign-in truth');
    return this.signIns.truth(from.getTime(), to.getTime(), this.now().getTime(), target ?? ALL_USERS);
  }

  reportStats(): ReportStats {
    return { ...this.reportCounters };
  }

  resetReportStats(): void {
    Object.assign(this.reportCounters, { requests: 0, throttled: 0, retryAfterSeconds: 0 });
  }

  private pushRule(rule: TrafficRule, incident: boolean): void {
    const valid = validRule(rule);
    if (valid.target !== undefined) this.knownTarget(valid.target, incident ? 'Incident' : 'Traffic rule');
    for (const id of valid.userIds ?? []) if (!this.directory.user(id)) throw new Error(`Traffic rule user '${id}' is not a user of this tenant.`);
    this.rules.push({ rule: valid, incident });
    this.signIns.setRules(this.rules.map((r) => r.rule));
  }

  private knownTarget(target: string, what: string): void {
    if (target !== ALL_USERS && !this.directory.group(target)) throw new Error(`${what} target '${target}' is neither 'all_users' nor a group of this tenant.`);
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
    if (target !== undefined) this.knownTarget(target, 'Sign-in count');
    return this.signIns.tally(from.getTime(), to.getTime(), this.now().getTime(), target);
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
    addTrafficRule: (rule) => state.addTrafficRule(rule),
    clearTrafficRules: () => state.clearTrafficRules(),
    trafficRules: () => state.trafficRules(),
    setTraffic: (traffic) => state.setTraffic(traffic),
    traffic: () => state.traffic(),
    signInTruth: (from, to, target) => state.signInTruth(from, to, target),
    reportStats: () => state.reportStats(),
    resetReportStats: () => state.resetReportStats(),
    addUser: (user) => state.addUser(user),
    addGroup: (group) => state.addGroup(group),
    addMember: (groupId, memberId) => state.addMember(groupId, memberId),
    signInCount: (from, to, target) => state.signInCount(from, to, target),
  };
}
