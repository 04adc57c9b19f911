import type { Actor } from '../rollout/types';
import { problem, type JsonResponse } from './http';

/**
 * App Service Authentication ("Easy Auth") puts the signed-in caller in `x-ms-client-principal` (base64 JSON). When the
 * header is present the caller's app roles decide. When it is absent, what happens depends on ROLLOUT_REQUIRE_AUTH,
 * which the infrastructure sets to `true` together with App Service Authentication: then the caller is refused (a
 * function key alone can neither start nor approve); otherwise (local host, Core Tools) the function key is the only
 * gate and the actor is recorded as such.
 *
 * The header can be trusted only behind App Service Authentication, which removes any x-ms-client-principal a client
 * sends and sets its own; that is why the setting and the authentication are deployed together.
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

/** True when the deployment says App Service Authentication is in front of the API (ROLLOUT_REQUIRE_AUTH=true). */
export function authenticationRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ROLLOUT_REQUIRE_AUTH?.trim().toLowerCase() === 'true';
}

const SIGN_IN_REQUIRED = 'sign in with Microsoft Entra ID: this deployment requires an authenticated caller (ROLLOUT_REQUIRE_AUTH=true), and a function key alone is not enough';

export function callerFrom(headers: { get(name: string): string | null }, env: NodeJS.ProcessEnv = process.env): CallerResult {
  const encoded = headers.get('x-ms-client-principal');
  if (!encoded) {
    if (authenticationRequired(env)) return { ok: false, message: `${SIGN_IN_REQUIRED}; the actions need the app role ${ROLES.operator} (start, pause, resume, abort) or ${ROLES.approver} (approve, reject)` };
    return { ok: true, caller: { actor: { name: 'API caller (function key)', via: 'api' }, roles: null } };
  }
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

export type AuthorizeResult = { ok: true; caller: Caller } | { ok: false; response: JsonResponse };

/**
 * The whole check of one API action in one call: 401 for a caller who is not signed in (or whose principal header is
 * unreadable) and 403 for a signed-in caller without `role`, each with a JSON body naming the role and the action.
 */
export function authorize(headers: { get(name: string): string | null }, role: Role, action: string, env: NodeJS.ProcessEnv = process.env): AuthorizeResult {
  const encoded = headers.get('x-ms-client-principal');
  if (!encoded && authenticationRequired(env)) {
    return { ok: false, response: problem(401, 'Unauthorized', `${SIGN_IN_REQUIRED}; to ${action} a rollout you need the app role ${role}`, { requiredRole: role }) };
  }
  const result = callerFrom(headers, env);
  if (!result.ok) return { ok: false, response: problem(401, 'Unauthorized', result.message, { requiredRole: role }) };
  const refusal = missingRole(result.caller, role);
  if (refusal) return { ok: false, response: problem(403, 'Forbidden', `${refusal} to ${action} a rollout`, { requiredRole: role }) };
  return { ok: true, caller: result.caller };
}

/** The role an API action needs: deciding a checkpoint is the approver's, everything else the operator's. */
export function roleFor(action: string): Role {
  return action === 'approve' || action === 'reject' ? ROLES.approver : ROLES.operator;
}
