import { setTimeout as sleep } from 'node:timers/promises';
import { DefaultAzureCredential } from '@azure/identity';
import { ALL_USERS, type AuthenticatorConfig, type PatchBody } from '../policy/types';
import { DEFAULT_GRAPH_BASE_URL, parseApiVersion, parseClientId, parseGraphBaseUrl } from './config';
import { GraphConfigError, GraphError, GraphInputError, WriteVerificationError } from './errors';
import { unexpectedResponse } from './error-mapping';
import { GraphCaller, isObject } from './graph-caller';
import { sharedReportsLimiter } from './limiter';
import { operations } from './operations';
import { resolveRetryOptions } from './retry-policy';
import { isMfaFailure } from './sign-ins';
import type { GraphGateway, GraphGatewayOptions, MfaSignInTotals, ReportsLimitOptions, WriteCheck } from './types';

export const CONFIG_PATH = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator';
/** Graph's limit for the identity and access reports: 5 requests per 10 s per app and tenant. */
export const DEFAULT_REPORTS_LIMIT: ReportsLimitOptions = { requests: 5, windowMs: 10_000 };
const DEFAULT_VERIFICATION = { reads: 5, delayMs: 750 };
const DIRECTORY_PAGE_SIZE = 999;
const SIGN_IN_PAGE_SIZE = 1000;
const EVENTUAL = { ConsistencyLevel: 'eventual' };
const PUSH_METHOD = 'microsoftAuthenticatorPush';

/** The only code that talks to Microsoft Graph. */
export function createGraphGateway(options: GraphGatewayOptions = {}): GraphGateway {
  const base = parseGraphBaseUrl(options.baseUrl ?? DEFAULT_GRAPH_BASE_URL, 'baseUrl');
  const apiVersion = parseApiVersion(options.apiVersion ?? 'v1.0', 'apiVersion');
  const clientId = options.managedIdentityClientId === undefined ? undefined : parseClientId(options.managedIdentityClientId);
  const verification = { ...DEFAULT_VERIFICATION, ...options.verification };
  if (!Number.isInteger(verification.reads) || verification.reads < 1 || !(verification.delayMs >= 0)) {
    throw new GraphConfigError('verification', 'verification.reads must be a whole number of at least 1 and verification.delayMs at least 0.');
  }
  const reportsLimit = options.reportsLimit ?? DEFAULT_REPORTS_LIMIT;
  if (!Number.isInteger(reportsLimit.requests) || reportsLimit.requests < 1 || !(reportsLimit.windowMs > 0)) {
    throw new GraphConfigError('reportsLimit', 'reportsLimit.requests must be a whole number of at least 1 and reportsLimit.windowMs above 0.');
  }
  const graph = new GraphCaller({
    base,
    apiVersion,
    credential: options.credential ?? new DefaultAzureCredential(clientId === undefined ? {} : { managedIdentityClientId: clientId }),
    retry: resolveRetryOptions(options.retry),
    reportsLimiter: sharedReportsLimiter(base.url, reportsLimit),
    onRequest: options.onRequest,
  });

  const readConfig = async (): Promise<AuthenticatorConfig> => {
    const operation = operations.readConfig(apiVersion);
    const config = await graph.get(CONFIG_PATH, operation);
    if (!isObject(config)) throw unexpectedResponse(operation, 'no configuration object');
    return config;
  };

  const memberIds = async (target: string): Promise<Set<string> | null> => {
    if (target === ALL_USERS) return null;
    const ids = new Set<string>();
    const path = withQuery(`/groups/${segment(target)}/transitiveMembers/microsoft.graph.user`, { $select: 'id', $top: String(DIRECTORY_PAGE_SIZE) });
    for await (const page of graph.pages(path, operations.readGroup(target, `list the members of group ${target}`))) {
      for (const member of page) if (typeof member.id === 'string') ids.add(member.id);
    }
    return ids;
  };

  const memberCount = async (target: string): Promise<number> => {
    const operation = target === ALL_USERS ? operations.countUsers() : operations.readGroup(target, `count the members of group ${target}`);
    const path = target === ALL_USERS ? '/users/$count' : `/groups/${segment(target)}/transitiveMembers/microsoft.graph.user/$count`;
    const text = await graph.get(path, operation, { headers: EVENTUAL, text: true });
    const count = typeof text === 'string' && /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(count)) throw unexpectedResponse(operation, 'a count that is not a whole number');
    return count;
  };

  return {
    apiVersion,
    readConfig,

    async writeConfig(body: PatchBody, check: (readBack: AuthenticatorConfig) => WriteCheck) {
      await graph.patch(CONFIG_PATH, body, operations.writeConfig());
      let readBack: AuthenticatorConfig = {};
      let problems: string[] = [];
      for (let read = 1; read <= verification.reads; read++) {
        if (read > 1) await sleep(verification.delayMs);
        readBack = await readConfig();
        const verdict = check(readBack);
        if (verdict.ok) return { readBack, reads: read };
        problems = verdict.problems;
      }
      throw new WriteVerificationError(
        `Microsoft Graph accepted the update of the Microsoft Authenticator configuration, but ${verification.reads} read-backs over ${((verification.reads - 1) * verification.delayMs) / 1000} s never showed it as intended: ${problems.join('; ') || 'the check gave no reason'}. Read the configuration again before retrying; someone else may be changing it.`,
        { status: 200, code: 'writeNotVerified', graphMessage: '', requestId: undefined, operation: operations.writeConfig().action, problems, lastReadBack: readBack, reads: verification.reads },
      );
    },

    async getGroup(id: string) {
      if (id === ALL_USERS) return { id: ALL_USERS, displayName: 'All users' };
      const operation = operations.readGroup(id);
      let group: unknown;
      try {
        group = await graph.get(withQuery(`/groups/${segment(id)}`, { $select: 'id,displayName' }), operation);
      } catch (error) {
        if (error instanceof GraphError && error.status === 404) return null;
        throw error;
      }
      if (!isObject(group) || typeof group.id !== 'string') throw unexpectedResponse(operation, 'a group without an id');
      return { id: group.id, displayName: typeof group.displayName === 'string' ? group.displayName : '' };
    },

    memberCount,
    memberIds,

    async isMember(groupId: string, objectId: string) {
      if (groupId === ALL_USERS) return true;
      const operation = operations.checkMembership(groupId, objectId);
      const answer = await graph.post(`/directoryObjects/${segment(objectId)}/checkMemberGroups`, { groupIds: [groupId] }, operation);
      const value = isObject(answer) ? answer.value : undefined;
      if (!Array.isArray(value)) throw unexpectedResponse(operation, 'a checkMemberGroups answer without a value array');
      return value.some((id) => typeof id === 'string' && id.toLowerCase() === groupId.toLowerCase());
    },

    async mfaSignIns(target: string, since: Date, until: Date): Promise<MfaSignInTotals> {
      if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime())) throw new GraphInputError('mfaSignIns needs valid since and until dates.');
      if (since > until) {
        throw new GraphInputError(`mfaSignIns needs since <= until; got since ${since.toISOString()} after until ${until.toISOString()}.`);
      }
      const members = await memberIds(target);
      const filter = [
        `createdDateTime ge ${since.toISOString()}`,
        `createdDateTime le ${until.toISOString()}`,
        "authenticationRequirement eq 'multiFactorAuthentication'",
      ].join(' and ');
      const totals: MfaSignInTotals = { signIns: 0, failures: 0, failuresByCode: {}, pages: 0 };
      const path = withQuery('/auditLogs/signIns', { $filter: filter, $top: String(SIGN_IN_PAGE_SIZE) });
      for await (const page of graph.pages(path, operations.readSignIns())) {
        totals.pages++;
        for (const signIn of page) {
          if (members && !(typeof signIn.userId === 'string' && members.has(signIn.userId))) continue;
          totals.signIns++;
          const code = isObject(signIn.status) ? signIn.status.errorCode : undefined;
          if (typeof code === 'number' && isMfaFailure(code)) {
            totals.failures++;
            totals.failuresByCode[String(code)] = (totals.failuresByCode[String(code)] ?? 0) + 1;
          }
        }
      }
      return totals;
    },

    async pushRegistrationCoverage(target: string) {
      const members = await memberIds(target);
      const everyone = members === null ? await memberCount(ALL_USERS) : members.size;
      let registered = 0;
      const path = withQuery('/reports/authenticationMethods/userRegistrationDetails', { $filter: `methodsRegistered/any(m:m eq '${PUSH_METHOD}')` });
      for await (const page of graph.pages(path, operations.readRegistrations())) {
        for (const detail of page) {
          if (members === null || (typeof detail.id === 'string' && members.has(detail.id))) registered++;
        }
      }
      return { members: everyone, registered };
    },
  };
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
