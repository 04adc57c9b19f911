import type { JsonObject } from '../../policy/types';
import { TenantRequestError } from './graph-error';
import type { HandlerRequest } from './http-types';
import { nextLink, offsetToken, parseOffsetToken, parseTop } from './odata';
import type { TenantState } from './tenant-state';
import type { ApiVersion } from './types';

/** What the Graph handlers share: permissions and Graph's refusals, the reports limit, OData collections. */

export const PERMISSIONS = {
  readPolicy: ['Policy.Read.All', 'Policy.Read.AuthenticationMethod', 'Policy.ReadWrite.AuthenticationMethod'],
  writePolicy: ['Policy.ReadWrite.AuthenticationMethod'],
  readGroups: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'],
  readUsers: ['User.Read.All', 'Directory.Read.All'],
  readSignIns: ['AuditLog.Read.All'],
  readReports: ['AuditLog.Read.All', 'Reports.Read.All'],
} as const;

/** Refuses with the code and text Graph uses in that area when the tenant grants none of the permissions. */
export function requirePermission(state: TenantState, permissions: readonly string[], area: 'policy' | 'directory' | 'reports'): void {
  if (state.hasAnyPermission(permissions)) return;
  if (area === 'policy') throw new TenantRequestError(403, 'accessDenied', 'Request Authorization failed');
  if (area === 'reports') {
    throw new TenantRequestError(
      403,
      'Authentication_MSGraphPermissionMissing',
      `Calling principal does not have required MSGraph permissions ${permissions.join(', ')}`,
    );
  }
  throw new TenantRequestError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

/** Identity and access reports allow few requests per app and tenant (5 per 10 s by default). */
export function throttleReports(state: TenantState): void {
  const slot = state.reportsLimit?.take() ?? { ok: true };
  if (!slot.ok) {
    throw new TenantRequestError(
      429,
      'TooManyRequests',
      'Too many requests to the identity and access reports. Retry after the time in the Retry-After header.',
      slot.retryAfterSeconds,
    );
  }
}

export function requireEventualConsistency(r: HandlerRequest): void {
  if (String(r.headers.consistencylevel ?? '').toLowerCase() !== 'eventual') {
    throw new TenantRequestError(
      400,
      'Request_BadRequest',
      '$count is not currently supported without the request header ConsistencyLevel: eventual (advanced queries on directory objects need it).',
    );
  }
}

export function context(r: HandlerRequest, version: ApiVersion, entitySet: string): string {
  return `${r.baseUrl}/${version}/$metadata#${entitySet}`;
}

/** Projects an object on $select (id and annotations are always kept, as Graph does). */
export function select(object: JsonObject, r: HandlerRequest): JsonObject {
  const fields = r.query.get('$select')?.split(',').map((f) => f.trim()).filter(Boolean);
  if (!fields || fields.length === 0) return object;
  return Object.fromEntries(Object.entries(object).filter(([key]) => key === 'id' || key.startsWith('@') || fields.includes(key)));
}

export function offsetPage<T>(all: readonly T[], r: HandlerRequest, defaultTop: number, maxTop: number): { items: T[]; next?: string } {
  const top = parseTop(r.query.get('$top'), defaultTop, maxTop);
  const offset = parseOffsetToken(r.query.get('$skiptoken'));
  const items = all.slice(offset, offset + top);
  return offset + top < all.length ? { items, next: nextLink(r.baseUrl, r.path, r.query, offsetToken(offset + top)) } : { items };
}

export function collection(contextUrl: string, items: JsonObject[], next: string | undefined): JsonObject {
  return { '@odata.context': contextUrl, value: items, ...(next ? { '@odata.nextLink': next } : {}) };
}
