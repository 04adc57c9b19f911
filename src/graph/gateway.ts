import { setTimeout as sleep } from 'node:timers/promises';
import { DefaultAzureCredential } from '@azure/identity';
import { checkDuration } from '../plan/duration';
import { detectShape } from '../policy/shape';
import { ALL_USERS, type AuthenticatorConfig, type Feature, type JsonObject, type PatchBody } from '../policy/types';
import { GRAPH_REQUEST_TIMEOUT_DEFAULT } from '../settings';
import { DEFAULT_GRAPH_BASE_URL, parseApiVersion, parseClientId, parseGraphBaseUrl } from './config';
import { GraphCancelledError, GraphConfigError, GraphError, GraphInputError, WriteVerificationError } from './errors';
import { unexpectedResponse } from './error-mapping';
import { GraphCaller, isObject } from './graph-caller';
import { operations } from './operations';
import { resolveRetryOptions } from './retry-policy';
import { estimateSignInRead, SIGN_IN_PAGE_SIZE } from './sign-ins';
import type {
  ApiVersion,
  CallOptions,
  ConfigCallOptions,
  GraphGateway,
  GraphGatewayOptions,
  PushRegistrations,
  ReportCallOptions,
  ReportsLimitOptions,
  RingCoverage,
  SignInWindow,
  WriteCheck,
} from './types';

export const CONFIG_PATH = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator';
/** Graph's limit for the identity and access reports: 5 requests per 10 s per app and tenant. */
export const DEFAULT_REPORTS_LIMIT: ReportsLimitOptions = { requests: 5, windowMs: 10_000 };
const DEFAULT_VERIFICATION = { reads: 5, delayMs: 750 };
const DIRECTORY_PAGE_SIZE = 999;
const EVENTUAL = { ConsistencyLevel: 'eventual' };
const PUSH_METHOD = 'microsoftAuthenticatorPush';

/** The only code that talks to Microsoft Graph. */
export function createGraphGateway(options: GraphGatewayOptions = {}): GraphGateway {
  const base = parseGraphBaseUrl(options.baseUrl ?? DEFAULT_GRAPH_BASE_URL, 'baseUrl');
  const override = options.apiVersion === undefined ? undefined : parseApiVersion(options.apiVersion, 'apiVersion');
  const timeout = parseRequestTimeout(options.requestTimeout ?? GRAPH_REQUEST_TIMEOUT_DEFAULT, 'requestTimeout');
  const clientId = options.managedIdentityClientId === undefined ? undefined : parseClientId(options.managedIdentityClientId);
  const verification = { ...DEFAULT_VERIFICATION, ...options.verification };
  if (!Number.isInteger(verification.reads) || verification.reads < 1 || !(verification.delayMs >= 0)) {
    throw new GraphConfigError('verification', 'verification.reads must be a whole number of at least 1 and verification.delayMs at least 0.');
  }
  const reportsLimit = options.reportsBudget?.limit ?? options.reportsLimit ?? DEFAULT_REPORTS_LIMIT;
  if (!Number.isInteger(reportsLimit.requests) || reportsLimit.requests < 1 || !(reportsLimit.windowMs > 0)) {
    throw new GraphConfigError('reportsLimit', 'reportsLimit.requests must be a whole number of at least 1 and reportsLimit.windowMs above 0.');
  }
  const graph = new GraphCaller({
    base,
    apiVersion: override ?? 'v1.0',
    credential: options.credential ?? new DefaultAzureCredential(clientId === undefined ? {} : { managedIdentityClientId: clientId }),
    retry: resolveRetryOptions(options.retry),
    timeout,
    reports: reportsLimit,
    reportsBudget: options.reportsBudget,
    tenantId: options.tenantId,
    onRequest: options.onRequest,
  });

  /**
   * Set once this tenant answered in the legacy per-target shape. Such a tenant serves the configuration under /beta
   * only (v1.0 refuses it, or shows no featureSettings), so from then on every configuration call of this gateway
   * goes to beta. A tenant does not change shape under a running process; a restart detects again.
   */
  let legacyTenant = false;
  const versionFor = (feature: Feature | undefined): ApiVersion => override ?? (feature === 'companionApp' || legacyTenant ? 'beta' : 'v1.0');

  const readConfigAt = async (version: ApiVersion, signal: AbortSignal | undefined): Promise<AuthenticatorConfig> => {
    const operation = operations.readConfig(version);
    const config = await graph.get(CONFIG_PATH, operation, { version, signal });
    if (!isObject(config)) throw unexpectedResponse(operation, 'no configuration object');
    return config;
  };

  /** beta's answer when it shows the legacy shape; undefined when it does not (or cannot be read). */
  const legacyOnBeta = async (signal: AbortSignal | undefined): Promise<AuthenticatorConfig | undefined> => {
    let beta: AuthenticatorConfig;
    try {
      beta = await readConfigAt('beta', signal);
    } catch (error) {
      if (error instanceof GraphCancelledError) throw error;
      return undefined;
    }
    if (detectShape(beta) !== 'legacy') return undefined;
    legacyTenant = true;
    return beta;
  };

  const readConfig = async (call: ConfigCallOptions = {}): Promise<AuthenticatorConfig> => {
    const version = versionFor(call.feature);
    const probe = override === undefined && version === 'v1.0';
    let config: AuthenticatorConfig;
    try {
      config = await readConfigAt(version, call.signal);
    } catch (error) {
      if (!(probe && error instanceof GraphError && error.status === 400)) throw error;
      const legacy = await legacyOnBeta(call.signal);
      if (legacy === undefined) throw error;
      return legacy;
    }
    if (probe && !isObject(config.featureSettings)) return (await legacyOnBeta(call.signal)) ?? config;
    return config;
  };

  const writeConfig = async (
    body: PatchBody,
    check: (readBack: AuthenticatorConfig) => WriteCheck,
    call: ConfigCallOptions = {},
  ): Promise<{ readBack: AuthenticatorConfig; reads: number }> => {
    const version = versionFor(call.feature);
    await graph.patch(CONFIG_PATH, body, operations.writeConfig(), { version, signal: call.signal });
    let readBack: AuthenticatorConfig = {};
    let problems: string[] = [];
    for (let read = 1; read <= verification.reads; read++) {
      if (read > 1) await verificationPause(verification.delayMs, call.signal);
      readBack = await readConfigAt(version, call.signal);
      const verdict = check(readBack);
      if (verdict.ok) return { readBack, reads: read };
      problems = verdict.problems;
    }
    throw new WriteVerificationError(
      `Microsoft Graph accepted the update of the Microsoft Authenticator configuration, but ${verification.reads} read-backs over ${((verification.reads - 1) * verification.delayMs) / 1000} s never showed it as intended: ${problems.join('; ') || 'the check gave no reason'}. Read the configuration again before retrying; someone else may be changing it.`,
      { status: 200, code: 'writeNotVerified', graphMessage: '', requestId: undefined, operation: operations.writeConfig().action, problems, lastReadBack: readBack, reads: verification.reads },
    );
  };

  const memberIds = async (target: string, call: CallOptions = {}): Promise<Set<string> | null> => {
    if (target === ALL_USERS) return null;
    const ids = new Set<string>();
    const path = withQuery(`/groups/${segment(target)}/transitiveMembers/microsoft.graph.user`, { $select: 'id', $top: String(DIRECTORY_PAGE_SIZE) });
    for await (const page of graph.pages(path, operations.readGroup(target, `list the members of group ${target}`), { signal: call.signal })) {
      for (const member of page) if (typeof member.id === 'string') ids.add(member.id.toLowerCase());
    }
    return ids;
  };

  const memberCount = async (target: string, call: CallOptions = {}): Promise<number> => {
    const operation = target === ALL_USERS ? operations.countUsers() : operations.readGroup(target, `count the members of group ${target}`);
    const path = target === ALL_USERS ? '/users/$count' : `/groups/${segment(target)}/transitiveMembers/microsoft.graph.user/$count`;
    const text = await graph.get(path, operation, { headers: EVENTUAL, text: true, signal: call.signal });
    const count = typeof text === 'string' && /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(count)) throw unexpectedResponse(operation, 'a count that is not a whole number');
    return count;
  };

  const pushRegistrations = async (call: ReportCallOptions = {}): Promise<PushRegistrations> => {
    const userIds = new Set<string>();
    const path = withQuery('/reports/authenticationMethods/userRegistrationDetails', { $filter: `methodsRegistered/any(m:m eq '${PUSH_METHOD}')` });
    for await (const page of graph.pages(path, operations.readRegistrations(), call)) {
      for (const detail of page) if (typeof detail.id === 'string') userIds.add(detail.id.toLowerCase());
    }
    return {
      userIds,
      coverageOf(members, everyone) {
        if (members === null) return { members: everyone, registered: userIds.size };
        let registered = 0;
        for (const id of members) if (userIds.has(id.toLowerCase())) registered++;
        return { members: members.size, registered };
      },
    };
  };

  const gateway: GraphGateway = {
    get apiVersion() {
      return versionFor(undefined);
    },
    forFeature: (feature) => bindFeature(gateway, feature, versionFor),
    readConfig,
    writeConfig,

    async getGroup(id: string, call: CallOptions = {}) {
      if (id === ALL_USERS) return { id: ALL_USERS, displayName: 'All users' };
      const operation = operations.readGroup(id);
      let group: unknown;
      try {
        group = await graph.get(withQuery(`/groups/${segment(id)}`, { $select: 'id,displayName' }), operation, { signal: call.signal });
      } catch (error) {
        if (error instanceof GraphError && error.status === 404) return null;
        throw error;
      }
      if (!isObject(group) || typeof group.id !== 'string') throw unexpectedResponse(operation, 'a group without an id');
      return { id: group.id, displayName: typeof group.displayName === 'string' ? group.displayName : '' };
    },

    memberCount,
    memberIds,

    async isMember(groupId: string, objectId: string, call: CallOptions = {}) {
      if (groupId === ALL_USERS) return true;
      const operation = operations.checkMembership(groupId, objectId);
      const answer = await graph.post(`/directoryObjects/${segment(objectId)}/checkMemberGroups`, { groupIds: [groupId] }, operation, { signal: call.signal });
      const value = isObject(answer) ? answer.value : undefined;
      if (!Array.isArray(value)) throw unexpectedResponse(operation, 'a checkMemberGroups answer without a value array');
      return value.some((id) => typeof id === 'string' && id.toLowerCase() === groupId.toLowerCase());
    },

    async *signIns(window: SignInWindow): AsyncGenerator<JsonObject[]> {
      checkWindow('signIns', 'from', window.from, 'to', window.to);
      const call = { signal: window.signal, deadline: window.deadline };
      const clauses = [`createdDateTime ge ${window.from.toISOString()}`, `createdDateTime le ${window.to.toISOString()}`];
      if (window.mfaOnly ?? true) clauses.push("authenticationRequirement eq 'multiFactorAuthentication'");
      const users = window.userIds === undefined ? undefined : new Set([...window.userIds].map((id) => id.toLowerCase()));
      const query = (filter: string[]): string => withQuery('/auditLogs/signIns', { $filter: filter.join(' and '), $top: String(SIGN_IN_PAGE_SIZE) });
      const estimate = users === undefined || window.expectedTenantRecords === undefined ? undefined : estimateSignInRead({ tenantRecords: window.expectedTenantRecords, users: users.size });
      if (users !== undefined && estimate?.mode === 'perUser') {
        for (const user of users) {
          yield* graph.pages(query([...clauses, `userId eq '${user.replace(/'/g, "''")}'`]), operations.readSignIns(), call);
        }
        return;
      }
      for await (const page of graph.pages(query(clauses), operations.readSignIns(), call)) {
        yield users === undefined ? page : page.filter((record) => typeof record.userId === 'string' && users.has(record.userId.toLowerCase()));
      }
    },

    pushRegistrations,

    async ringCoverage(targets: readonly string[], call: ReportCallOptions = {}): Promise<RingCoverage[]> {
      const registrations = await pushRegistrations(call);
      const everyone = targets.includes(ALL_USERS) ? await memberCount(ALL_USERS, call) : 0;
      const coverage: RingCoverage[] = [];
      for (const target of targets) coverage.push({ target, ...registrations.coverageOf(await memberIds(target, call), everyone) });
      return coverage;
    },

    async reportsWaitMs(requests = 1) {
      return (await graph.reportsBudget()).estimateWaitMs(requests);
    },
  };
  return gateway;
}

/** A view of the gateway whose configuration calls carry `feature` unless the caller names another. */
function bindFeature(gateway: GraphGateway, feature: Feature, versionFor: (feature: Feature | undefined) => ApiVersion): GraphGateway {
  return {
    ...gateway,
    get apiVersion() {
      return versionFor(feature);
    },
    forFeature: (other) => bindFeature(gateway, other, versionFor),
    readConfig: (call = {}) => gateway.readConfig({ feature, ...call }),
    writeConfig: (body, check, call = {}) => gateway.writeConfig(body, check, { feature, ...call }),
  };
}

/** The pause between read-backs; the caller's signal ends it with the same typed error as a cancelled request. */
async function verificationPause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch {
    const action = operations.writeConfig().action;
    throw new GraphCancelledError(`Cancelled by the caller while verifying the write (trying to ${action}); the PATCH was sent, so read the configuration before acting on it.`, {
      status: 0,
      code: 'cancelled',
      graphMessage: '',
      requestId: undefined,
      operation: action,
    });
  }
}

function checkWindow(method: string, fromName: string, from: Date, toName: string, to: Date): void {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new GraphInputError(`${method} needs valid ${fromName} and ${toName} dates.`);
  if (from > to) {
    throw new GraphInputError(`${method} needs ${fromName} <= ${toName}; got ${fromName} ${from.toISOString()} after ${toName} ${to.toISOString()}.`);
  }
}

/** GRAPH_REQUEST_TIMEOUT's rules (an ISO 8601 duration, positive, no years or months) for the option of the same meaning. */
function parseRequestTimeout(text: string, setting: string): { iso: string; ms: number } {
  const checked = checkDuration(text);
  if (!checked.ok) throw new GraphConfigError(setting, `${setting} must be an ISO 8601 duration such as ${GRAPH_REQUEST_TIMEOUT_DEFAULT}: ${checked.message}.`);
  return { iso: text, ms: checked.seconds * 1000 };
}

/** An id as one path segment, so no id can reach another resource. */
function segment(id: string): string {
  return encodeURIComponent(id);
}

/** `$`-named OData options stay readable; values are percent-encoded (the Graph client passes them through as is). */
function withQuery(path: string, query: Record<string, string>): string {
  return `${path}?${Object.entries(query)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&')}`;
}
