import { configView } from './authenticator-policy';
import {
  checkMemberGroups,
  countTransitiveMembers,
  countUsers,
  getGroup,
  getUser,
  listTransitiveMembers,
  listUsers,
} from './directory-routes';
import { routeNotFound } from './graph-error';
import { PERMISSIONS, requirePermission } from './graph-responses';
import type { Handler } from './http-types';
import { listRegistrationDetails, listSignIns } from './report-routes';
import type { TenantState } from './tenant-state';
import type { ApiVersion } from './types';

/** Routes the Microsoft Graph endpoints the product uses to their handlers. */

const KNOWN_ROOTS: readonly string[] = ['groups', 'users', 'directoryObjects', 'policies', 'authenticationMethodsPolicy', 'auditLogs', 'reports'];
const CONFIG_SEGMENTS = ['authenticationmethodspolicy', 'authenticationmethodconfigurations', 'microsoftauthenticator'];

type Methods = Partial<Record<'GET' | 'PATCH' | 'POST', Handler>>;

export function graphRoute(state: TenantState, version: ApiVersion, segments: string[]): Methods {
  const lower = segments.map((s) => s.toLowerCase());
  const isConfig =
    sameSegments(lower, CONFIG_SEGMENTS) || (lower[0] === 'policies' && sameSegments(lower.slice(1), CONFIG_SEGMENTS));
  if (isConfig) {
    return {
      GET: (r) => {
        requirePermission(state, PERMISSIONS.readPolicy, 'policy');
        return { status: 200, json: configView(state.configForRead(), state.shape, version, r.baseUrl) };
      },
      PATCH: (r) => {
        requirePermission(state, PERMISSIONS.writePolicy, 'policy');
        state.patchConfig(r.body, version, 'app');
        return { status: 204 };
      },
    };
  }
  const [first, id, relation, cast, last] = segments;
  const tail = lower.slice(2);
  if (first === 'groups' && id !== undefined) {
    if (tail.length === 0) return { GET: (r) => getGroup(state, id, version, r) };
    if (tail.length === 1 && relation === 'checkMemberGroups') return { POST: (r) => checkMemberGroups(state, id, version, r) };
    if (relation === 'transitiveMembers') {
      const usersOnly = cast === 'microsoft.graph.user';
      const count = usersOnly ? last === '$count' && tail.length === 3 : cast === '$count' && tail.length === 2;
      const list = usersOnly ? tail.length === 2 : tail.length === 1;
      if (count) return { GET: (r) => countTransitiveMembers(state, id, usersOnly, r) };
      if (list) return { GET: (r) => listTransitiveMembers(state, id, usersOnly, version, r) };
    }
  }
  if (first === 'users') {
    if (id === undefined) return { GET: (r) => listUsers(state, version, r) };
    if (id === '$count' && tail.length === 0) return { GET: (r) => countUsers(state, r) };
    if (tail.length === 0) return { GET: (r) => getUser(state, id, version, r) };
    if (tail.length === 1 && relation === 'checkMemberGroups') return { POST: (r) => checkMemberGroups(state, id, version, r) };
  }
  if (first === 'directoryObjects' && id !== undefined && tail.length === 1 && relation === 'checkMemberGroups') {
    return { POST: (r) => checkMemberGroups(state, id, version, r) };
  }
  if (sameSegments(lower, ['auditlogs', 'signins'])) return { GET: (r) => listSignIns(state, version, r) };
  if (sameSegments(lower, ['reports', 'authenticationmethods', 'userregistrationdetails'])) {
    return { GET: (r) => listRegistrationDetails(state, version, r) };
  }
  const knownFirst = first !== undefined && KNOWN_ROOTS.includes(first);
  throw routeNotFound((knownFirst ? segments[segments.length - 1] : first) ?? '');
}

function sameSegments(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
