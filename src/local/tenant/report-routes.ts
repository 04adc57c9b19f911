import type { JsonObject } from '../../policy/types';
import { collection, context, offsetPage, PERMISSIONS, requirePermission, throttleReports } from './graph-responses';
import type { HandlerRequest, HandlerResponse } from './http-types';
import { cursorToken, nextLink, parseCursorToken, parseRegistrationFilter, parseSignInFilter, parseTop } from './odata';
import type { TenantState } from './tenant-state';
import type { ApiVersion } from './types';

/** The identity and access reports: sign-in logs and authentication method registration details. */

const MAX_REPORT_PAGE = 1000;

export function listSignIns(state: TenantState, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readSignIns, 'reports');
  throttleReports(state);
  const query = parseSignInFilter(r.query.get('$filter'));
  const top = parseTop(r.query.get('$top'), MAX_REPORT_PAGE, MAX_REPORT_PAGE);
  const cursor = parseCursorToken(r.query.get('$skiptoken'));
  const page = state.signIns.page(query, state.now().getTime(), top, cursor);
  const next = page.next ? nextLink(r.baseUrl, r.path, r.query, cursorToken(page.next)) : undefined;
  return { status: 200, json: collection(context(r, version, 'auditLogs/signIns'), page.signIns, next) };
}

export function listRegistrationDetails(state: TenantState, version: ApiVersion, r: HandlerRequest): HandlerResponse {
  requirePermission(state, PERMISSIONS.readReports, 'reports');
  throttleReports(state);
  const filter = parseRegistrationFilter(r.query.get('$filter'));
  const details = state.directory
    .allUsers()
    .map((user): JsonObject => {
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
    })
    .filter((d) => filter.isMfaCapable === undefined || d.isMfaCapable === filter.isMfaCapable)
    .filter((d) => filter.method === undefined || (d.methodsRegistered as string[]).includes(filter.method));
  const page = offsetPage(details, r, MAX_REPORT_PAGE, MAX_REPORT_PAGE);
  return { status: 200, json: collection(context(r, version, 'reports/authenticationMethods/userRegistrationDetails'), page.items, page.next) };
}
