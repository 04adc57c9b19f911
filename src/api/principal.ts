import type { Actor } from '../rollout/types';

/**
 * App Service Authentication ("Easy Auth") puts the signed-in caller in `x-ms-client-principal` (base64 JSON). When the
 * header is present the caller's app roles decide; when it is absent the function key (authLevel 'function') is the
 * only gate, and the actor is recorded as such.
 */

export const ROLES = { operator: 'Rollout.Operator', approver: 'Rollout.Approver' } as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];

export interface Caller {
  actor: Actor;
  /** null: no App Service Authentication headers (function key only). */
  roles: Set<string> | null;
}

interface ClientPrincipal {
  auth_typ?: string;
  name_typ?: string;
  role_typ?: string;
  claims?: Array<{ typ?: string; val?: string }>;
}

const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const ROLE_CLAIMS = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

export type CallerResult = { ok: true; caller: Caller } | { ok: false; message: string };

export function callerFrom(headers: { get(name: string): string | null }): CallerResult {
  const encoded = headers.get('x-ms-client-principal');
  if (!encoded) return { ok: true, caller: { actor: { name: 'API caller (function key)', via: 'api' }, roles: null } };
  let principal: ClientPrincipal;
  try {
    principal = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as ClientPrincipal;
  } catch {
    return { ok: false, message: 'x-ms-client-principal is not base64-encoded JSON' };
  }
  if (typeof principal !== 'object' || principal === null || !Array.isArray(principal.claims)) {
    return { ok: false, message: 'x-ms-client-principal has no claims' };
  }
  const claims = principal.claims.filter((c): c is { typ: string; val: string } => typeof c?.typ === 'string' && typeof c?.val === 'string');
  const value = (types: string[]): string | undefined => claims.find((c) => types.includes(c.typ))?.val;
  const roleTypes = principal.role_typ ? [principal.role_typ, ...ROLE_CLAIMS] : ROLE_CLAIMS;
  const nameTypes = [principal.name_typ, 'name', 'preferred_username'].filter((t): t is string => typeof t === 'string');
  const id = value(OBJECT_ID_CLAIMS);
  const name = headers.get('x-ms-client-principal-name') ?? value(nameTypes) ?? id ?? 'unknown caller';
  const actor: Actor = { name, via: 'api' };
  if (id) actor.id = id;
  return { ok: true, caller: { actor, roles: new Set(claims.filter((c) => roleTypes.includes(c.typ)).map((c) => c.val)) } };
}

/** null when allowed, else the sentence of the refusal. */
export function missingRole(caller: Caller, role: Role): string | null {
  if (caller.roles === null || caller.roles.has(role)) return null;
  return `${caller.actor.name} needs the app role ${role}`;
}
