import { randomBytes, timingSafeEqual } from 'node:crypto';
import { TenantRequestError } from './graph-error';

/**
 * The managed identity endpoint and the bearer tokens it hands out. Tokens are opaque random strings the tenant
 * remembers (no JWT): what a token may do is decided per request by the tenant's granted permissions.
 */

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const TOKEN_LIFETIME_SECONDS = 3600;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The client id reported for the system-assigned identity. */
const SYSTEM_ASSIGNED_CLIENT_ID = '9b2c7f4e-1d3a-4c6b-8e5f-0a7d2b4c6e81';

export interface MsiAnswer {
  status: number;
  body: Record<string, string>;
}

/**
 * token -> expiry (epoch ms, real clock: the credential caches tokens by real time) and the client id it was issued
 * to (the app the reports limit counts against). Shared by every emulated tenant in
 * the process, as a real token is good for every Graph front end: MSAL keeps one token cache per process, so a second
 * tenant started in the same process is handed the token the first one issued.
 */
const issuedTokens = new Map<string, { expiresAt: number; clientId: string }>();

export class TokenAuthority {
  readonly identityHeader = randomBytes(24).toString('hex');
  private readonly tokens = issuedTokens;

  /** GET /msi/token (App Service managed identity protocol, api-version 2019-08-01). */
  issue(query: URLSearchParams, identityHeader: string | undefined): MsiAnswer {
    if (identityHeader === undefined) return msiError(400, 'invalid_request', 'The X-IDENTITY-HEADER header is required.');
    if (!sameSecret(identityHeader, this.identityHeader)) return msiError(401, 'unauthorized_client', 'The X-IDENTITY-HEADER header is not valid.');
    const apiVersion = query.get('api-version');
    if (apiVersion !== '2019-08-01') return msiError(400, 'invalid_request', `Unsupported api-version '${apiVersion ?? ''}': use 2019-08-01.`);
    const resource = query.get('resource')?.replace(/\/(\.default)?$/, '');
    if (resource !== GRAPH_RESOURCE) {
      return msiError(400, 'invalid_resource', `This identity can only get tokens for ${GRAPH_RESOURCE}; the resource parameter was '${query.get('resource') ?? ''}'.`);
    }
    const clientId = query.get('client_id') ?? SYSTEM_ASSIGNED_CLIENT_ID;
    if (!GUID.test(clientId)) return msiError(400, 'invalid_request', `The client_id '${clientId}' is not a GUID.`);
    const token = randomBytes(32).toString('base64url');
    const expiresOnSeconds = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS;
    this.tokens.set(token, { expiresAt: expiresOnSeconds * 1000, clientId });
    return {
      status: 200,
      body: {
        access_token: token,
        expires_on: String(expiresOnSeconds),
        resource: GRAPH_RESOURCE,
        token_type: 'Bearer',
        client_id: clientId,
      },
    };
  }

  /** Checks the Authorization header of a Graph request (throws Graph's 401); answers the caller's client id. */
  authenticate(authorization: string | undefined): string {
    const token = /^Bearer\s+(.*)$/i.exec(authorization ?? '')?.[1]?.trim() ?? '';
    if (token === '') throw new TenantRequestError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const issued = this.tokens.get(token);
    if (issued === undefined) {
      // Graph's text for a bearer that is not a JWT; for an unknown JWT-like value it says the validation failed.
      const message = token.includes('.')
        ? 'Access token validation failure. Invalid audience.'
        : 'IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format.';
      throw new TenantRequestError(401, 'InvalidAuthenticationToken', message);
    }
    if (issued.expiresAt <= Date.now()) throw new TenantRequestError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    return issued.clientId;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function msiError(status: number, error: string, description: string): MsiAnswer {
  return { status, body: { error, error_description: description } };
}
