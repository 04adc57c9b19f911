import { badRequest } from './graph-error';
import type { AuthenticationRequirement, SignInCursor, SignInQuery } from './sign-ins';

/** The OData query subset the product uses: $filter clauses joined by `and`, $top and opaque $skiptoken paging. */

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/**
 * Only `and` joins clauses. Graph documents no `or` or `in` per sign-in property, so the emulator refuses them: a
 * caller that relied on them would work here and break on a real tenant.
 */
const SIGN_IN_FILTER_HELP =
  "supported: createdDateTime eq|ge|le|gt|lt <ISO date-time>, authenticationRequirement eq '<value>', userId eq '<id>', status/errorCode eq <number>, appId eq '<id>', joined by 'and'";

/** The OData (ASP.NET) text Graph answers when a query option is disabled on an entity set, as $select is on signIns. */
export function queryOptionNotAllowed(option: 'Select' | 'OrderBy'): Error {
  return badRequest(
    `Query option '${option}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
  );
}

function clauses(filter: string): string[] {
  return filter
    .trim()
    .split(/\s+and\s+/i)
    .map((c) => c.trim());
}

function invalidClause(clause: string, help: string): Error {
  return badRequest(`Invalid filter clause: '${clause}' is not supported (${help}).`);
}

export function parseSignInFilter(filter: string | null): SignInQuery {
  const query: SignInQuery = {};
  if (filter === null || filter.trim() === '') return query;
  for (const clause of clauses(filter)) {
    const date = /^createdDateTime\s+(eq|ge|le|gt|lt)\s+(\S+)$/i.exec(clause);
    const requirement = /^authenticationRequirement\s+eq\s+'(multiFactorAuthentication|singleFactorAuthentication)'$/.exec(clause);
    const user = /^userId\s+eq\s+'([^']+)'$/.exec(clause);
    const errorCode = /^status\/errorCode\s+eq\s+(\d+)$/.exec(clause);
    const app = /^appId\s+eq\s+'([^']+)'$/.exec(clause);
    if (date?.[1] && date[2]) {
      const ms = ISO_DATE_TIME.test(date[2]) ? Date.parse(date[2]) : NaN;
      if (Number.isNaN(ms)) throw badRequest(`Invalid filter clause: '${date[2]}' is not an ISO 8601 date-time (unquoted, e.g. 2024-05-01T00:00:00Z).`);
      const op = date[1].toLowerCase();
      if (op === 'eq') {
        query.fromMs = Math.max(query.fromMs ?? -Infinity, ms);
        query.toMs = Math.min(query.toMs ?? Infinity, ms);
      } else if (op === 'ge' || op === 'gt') query.fromMs = Math.max(query.fromMs ?? -Infinity, op === 'gt' ? ms + 1 : ms);
      else query.toMs = Math.min(query.toMs ?? Infinity, op === 'lt' ? ms - 1 : ms);
    } else if (requirement?.[1]) query.requirement = requirement[1] as AuthenticationRequirement;
    else if (user?.[1]) query.userId = user[1];
    else if (errorCode?.[1]) query.errorCode = Number(errorCode[1]);
    else if (app?.[1]) query.appId = app[1];
    else throw invalidClause(clause, SIGN_IN_FILTER_HELP);
  }
  return query;
}

export interface RegistrationFilter {
  method?: string;
  isMfaCapable?: boolean;
}

export function parseRegistrationFilter(filter: string | null): RegistrationFilter {
  const result: RegistrationFilter = {};
  if (filter === null || filter.trim() === '') return result;
  for (const clause of clauses(filter)) {
    const method = /^methodsRegistered\/any\((\w+)\s*:\s*(\w+)\s+eq\s+'([^']+)'\)$/.exec(clause);
    const capable = /^isMfaCapable\s+eq\s+(true|false)$/.exec(clause);
    if (method?.[3] && method[1] === method[2]) result.method = method[3];
    else if (capable?.[1]) result.isMfaCapable = capable[1] === 'true';
    else throw invalidClause(clause, "supported: methodsRegistered/any(m:m eq '<method>'), isMfaCapable eq true|false, joined by 'and'");
  }
  return result;
}

/** $top within 1..max, or the default when absent. */
export function parseTop(value: string | null, defaultTop: number, maxTop: number): number {
  if (value === null) return defaultTop;
  const top = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(top >= 1 && top <= maxTop)) throw badRequest(`Invalid value for $top: '${value}'. It must be a whole number from 1 to ${maxTop}.`);
  return top;
}

function encodeToken(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken(token: string): unknown {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const INVALID_SKIPTOKEN = 'Invalid $skiptoken: use the @odata.nextLink of the previous page as it is.';

export function offsetToken(offset: number): string {
  return encodeToken({ o: offset });
}

export function parseOffsetToken(token: string | null): number {
  if (token === null) return 0;
  const decoded = decodeToken(token) as { o?: unknown } | undefined;
  if (typeof decoded?.o !== 'number' || !Number.isInteger(decoded.o) || decoded.o < 0) throw badRequest(INVALID_SKIPTOKEN);
  return decoded.o;
}

export function cursorToken(cursor: SignInCursor): string {
  return encodeToken({ t: cursor.atMs, o: cursor.ord, u: cursor.user, s: cursor.seq });
}

export function parseCursorToken(token: string | null): SignInCursor | undefined {
  if (token === null) return undefined;
  const decoded = decodeToken(token) as { t?: unknown; o?: unknown; u?: unknown; s?: unknown } | undefined;
  const parts = [decoded?.t, decoded?.o, decoded?.u, decoded?.s];
  if (!parts.every((p): p is number => typeof p === 'number' && Number.isFinite(p))) throw badRequest(INVALID_SKIPTOKEN);
  const [atMs, ord, user, seq] = parts as [number, number, number, number];
  return { atMs, ord, user, seq };
}

/**
 * The absolute next page link on the same host: the same query with a new $skiptoken, spaces as %20 (not '+') as in
 * Graph's own links, so a client that re-encodes the query cannot turn them into literal pluses.
 */
export function nextLink(baseUrl: string, path: string, query: URLSearchParams, skipToken: string): string {
  const params = new URLSearchParams(query);
  params.set('$skiptoken', skipToken);
  const encoded = [...params].map(([key, value]) => `${encodeURIComponent(key).replace(/%24/g, '$')}=${encodeURIComponent(value)}`);
  return `${baseUrl}${path}?${encoded.join('&')}`;
}
