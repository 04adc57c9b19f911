import type { JsonObject } from '../../policy/types';
import { badRequest, resourceDoesNotExist } from './graph-error';
import { collection, context, PERMISSIONS, positionPage, requireEventualConsistency, requirePermission, select } from './graph-responses';
import type { HandlerRequest, HandlerResponse } from './http-types';
import type { TenantState } from './tenant-state';
import type { ApiVersion, TenantUser } from './types';

/** Groups, users and membership, as Graph answers them. */

const MAX_DIRECTORY_PAGE = 999;
const DEFAULT_DIRECTORY_PAGE = 100;
const MAX_CHECK_MEMBER_GROUPS = 20;

function userObject(user: TenantUser): JsonObject {
  return { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName, accountEnabled: true };
}

export function getGroup(state: TenantState, id: string, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readGroups, 'directory');
  const group = state.directory.group(id);
  if (!group) throw resourceDoesNotExist(id);
  const json: JsonObject = {
    '@odata.context': context(r, version, 'groups/$entity'),
    id: group.id,
    displayName: group.displayName,
    description: null,
    groupTypes: [],
    mailEnabled: false,
    securityEnabled: true,
  };
  return { status: 200, json: select(json, r) };
}

function existingGroup(state: TenantState, id: string): void {
  if (!state.directory.group(id)) throw resourceDoesNotExist(id);
}

/** Like Graph, transitiveMembers/$count counts every member object (nested groups too); the user cast counts users. */
export function countTransitiveMembers(state: TenantState, id: string, usersOnly: boolean, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readGroups, 'directory');
  requireEventualConsistency(r);
  existingGroup(state, id);
  return { status: 200, text: String(state.directory.transitiveCount(id, usersOnly)) };
}

export function listTransitiveMembers(state: TenantState, id: string, usersOnly: boolean, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readGroups, 'directory');
  existingGroup(state, id);
  const directory = state.directory;
  const page = positionPage(r, DEFAULT_DIRECTORY_PAGE, MAX_DIRECTORY_PAGE, (position, limit) => {
    const objects = directory.transitivePage(id, usersOnly, position, limit).map((m): JsonObject => {
      const user = m.kind === 'user' ? directory.user(m.id) : undefined;
      if (user) return { '@odata.type': '#microsoft.graph.user', ...userObject(user) };
      return { '@odata.type': '#microsoft.graph.group', id: m.id, displayName: directory.group(m.id)?.displayName ?? null };
    });
    const end = position + objects.length;
    return end < directory.transitiveCount(id, usersOnly) ? { items: objects, nextPosition: end } : { items: objects };
  });
  const entitySet = usersOnly ? 'users' : 'directoryObjects';
  return { status: 200, json: collection(context(r, version, entitySet), page.items.map((o) => select(o, r)), page.next) };
}

export function listUsers(state: TenantState, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readUsers, 'directory');
  const directory = state.directory;
  const page = positionPage(r, DEFAULT_DIRECTORY_PAGE, MAX_DIRECTORY_PAGE, (position, limit) => {
    const items: JsonObject[] = [];
    for (let p = position; p < directory.userCount() && items.length < limit; p++) {
      const user = directory.userAt(p);
      if (user) items.push(userObject(user));
    }
    const end = position + items.length;
    return end < directory.userCount() ? { items, nextPosition: end } : { items };
  });
  return { status: 200, json: collection(context(r, version, 'users'), page.items.map((o) => select(o, r)), page.next) };
}

export function countUsers(state: TenantState, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readUsers, 'directory');
  requireEventualConsistency(r);
  return { status: 200, text: String(state.directory.userCount()) };
}

export function getUser(state: TenantState, id: string, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readUsers, 'directory');
  const user = state.directory.user(id) ?? (id.includes('@') ? state.directory.userByPrincipalName(id) : undefined);
  if (!user) throw resourceDoesNotExist(id);
  return { status: 200, json: select({ '@odata.context': context(r, version, 'users/$entity'), ...userObject(user) }, r) };
}

export function checkMemberGroups(state: TenantState, id: string, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readGroups, 'directory');
  const groupIds = (r.body as { groupIds?: unknown } | undefined)?.groupIds;
  if (!Array.isArray(groupIds) || !groupIds.every((g): g is string => typeof g === 'string')) {
    throw badRequest('Invalid request body: groupIds must be an array of group ids.', 'Request_BadRequest');
  }
  if (groupIds.length > MAX_CHECK_MEMBER_GROUPS) {
    throw badRequest(`Invalid request body: groupIds can hold at most ${MAX_CHECK_MEMBER_GROUPS} group ids.`, 'Request_BadRequest');
  }
  if (!state.directory.user(id) && !state.directory.group(id)) throw resourceDoesNotExist(id);
  const memberOf = state.directory.transitiveGroups(id);
  return { status: 200, json: { '@odata.context': context(r, version, 'Collection(Edm.String)'), value: groupIds.filter((g) => memberOf.has(g)) } };
}
