import type { JsonObject } from '../../policy/types';
import { collection, context, PERMISSIONS, positionPage, requirePermission, throttleReports } from './graph-responses';
import type { HandlerRequest, HandlerResponse } from './http-types';
import { cursorToken, nextLink, parseCursorToken, parseRegistrationFilter, parseSignInFilter, parseTop, queryOptionNotAllowed } from './odata';
import type { TenantState } from './tenant-state';
import type { ApiVersion, TenantUser } from './types';

/** The identity and access reports: sign-in logs and authentication method registration details. */

const MAX_REPORT_PAGE = 1000;

export function listSignIns(state: TenantState, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readSignIns, 'reports');
  throttleReports(state, r);
  if (r.query.has('$select')) throw queryOptionNotAllowed('Select');
  const orderBy = r.query.get('$orderby');
  if (orderBy !== null && !/^\s*createdDateTime(\s+desc)?\s*$/i.test(orderBy)) throw queryOptionNotAllowed('OrderBy');
  const query = parseSignInFilter(r.query.get('$filter'));
  const top = parseTop(r.query.get('$top'), MAX_REPORT_PAGE, MAX_REPORT_PAGE);
  const cursor = parseCursorToken(r.query.get('$skiptoken'));
  const page = state.signIns.page(query, state.now().getTime(), top, cursor);
  const next = page.next ? nextLink(r.baseUrl, r.path, r.query, cursorToken(page.next)) : undefined;
  return { status: 200, json: collection(context(r, version, 'auditLogs/signIns'), page.signIns, next) };
}

function registrationDetail(user: TenantUser): JsonObject {
  const isMfaCapable = user.methodsRegistered.length > 0;
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName,
    userType: 'member',
    isAdmin: false,
    isMfaCapable,
    isMfaRegistered: isMfaCapable,
    isPasswordlessCapable: false,
    isSsprCapable: isMfaCapable,
    isSsprRegistered: isMfaCapable,
    methodsRegistered: [...user.methodsRegistered],
    defaultMfaMethod: user.methodsRegistered.includes('microsoftAuthenticatorPush') ? 'microsoftAuthenticatorPush' : isMfaCapable ? 'mobilePhone' : 'none',
  };
}

/** Pages over the directory's users in order, filtering as it goes: a page of 1,000 among 100,000 builds about 1,000 objects. */
export function listRegistrationDetails(state: TenantState, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readReports, 'reports');
  throttleReports(state, r);
  const filter = parseRegistrationFilter(r.query.get('$filter'));
  const directory = state.directory;
  const wanted = (methods: string[]): boolean =>
    (filter.isMfaCapable === undefined || methods.length > 0 === filter.isMfaCapable) && (filter.method === undefined || methods.includes(filter.method));
  const page = positionPage(r, MAX_REPORT_PAGE, MAX_REPORT_PAGE, (position, limit) => {
    const items: JsonObject[] = [];
    const count = directory.userCount();
    let p = position;
    for (; p < count && items.length < limit; p++) {
      const methods = directory.methodsAt(p);
      if (!methods || !wanted(methods)) continue;
      const user = directory.userAt(p);
      if (user) items.push(registrationDetail(user));
    }
    while (p < count && !wanted(directory.methodsAt(p) ?? [])) p++;
    return p < count ? { items, nextPosition: p } : { items };
  });
  return { status: 200, json: collection(context(r, version, 'reports/authenticationMethods/userRegistrationDetails'), page.items, page.next) };
}
