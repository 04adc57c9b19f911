import { randomUUID } from 'node:crypto';
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

/**
 * Identity and access reports allow few requests per app and tenant (5 per 10 s by default). Every report request
 * is counted, and so is every throttled one, for benchmarks. The answer is the one the reports service gives
 * (code UnknownError, "This request is throttled. ..." with a correlation id: MicrosoftDocs/azure-docs issue 70953),
 * not Graph's generic TooManyRequests.
 */
export function throttleReports(state: TenantState, r: HandlerRequest): void {
  const stats = state.reportCounters;
  stats.requests++;
  const slot = state.reportsLimit?.take(r.appId ?? '') ?? { ok: true };
  if (!slot.ok) {
    stats.throttled++;
    stats.retryAfterSeconds += slot.retryAfterSeconds;
    throw new TenantRequestError(
      429,
      'UnknownError',
      `This request is throttled. Please try again after the value specified in the Retry-After header. CorrelationId: ${randomUUID()}`,
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

/** A page of `top` items read from a position by `itemsAt` (which may skip items): never a list of everything. */
export function positionPage<T>(
  r: HandlerRequest,
  defaultTop: number,
  maxTop: number,
  itemsAt: (position: number, limit: number) => { items: T[]; nextPosition?: number },
): { items: T[]; next?: string } {
  const top = parseTop(r.query.get('$top'), defaultTop, maxTop);
  const offset = parseOffsetToken(r.query.get('$skiptoken'));
  const { items, nextPosition } = itemsAt(offset, top);
  return nextPosition === undefined ? { items } : { items, next: nextLink(r.baseUrl, r.path, r.query, offsetToken(nextPosition)) };
}

export function collection(contextUrl: string, items: JsonObject[], next: string | undefined): JsonObject {
  return { '@odata.context': contextUrl, value: items, ...(next ? { '@odata.nextLink': next } : {}) };
}
