import type { AccessToken, TokenCredential } from '@azure/identity';
import { createGraphGateway, type GraphGateway, type GraphGatewayOptions } from '../../src/graph';
import { startEmulatedTenant, type EmulatedTenant, type RequestLogEntry, type TenantOptions } from '../../src/local/tenant';

/**
 * One emulated tenant per test file, reached through the real managed-identity flow: the App Service identity endpoint
 * of the tenant is put in the environment, so the gateway's default DefaultAzureCredential gets its tokens there.
 * (MSAL keeps one token cache per process, so a file uses a single tenant: a token of one tenant means nothing to another.)
 */
export async function startTenantWithIdentity(options: TenantOptions = {}): Promise<EmulatedTenant> {
  const tenant = await startEmulatedTenant(options);
  process.env.IDENTITY_ENDPOINT = tenant.identityEndpoint;
  process.env.IDENTITY_HEADER = tenant.identityHeader;
  return tenant;
}

export function gatewayFor(tenant: EmulatedTenant, options: GraphGatewayOptions = {}): GraphGateway {
  return createGraphGateway({ baseUrl: tenant.url, ...options });
}

/** Requests the tenant logged after `since` (a count taken earlier), for one method and path fragment. */
export function requestsSince(tenant: EmulatedTenant, since: number, method: string, pathIncludes: string): RequestLogEntry[] {
  return tenant.control
    .requests()
    .slice(since)
    .filter((r) => r.method === method && r.path.includes(pathIncludes));
}

/** A credential that always answers the same way: for the cases a real identity cannot produce on demand. */
export function fixedCredential(answer: () => AccessToken | null): TokenCredential {
  return { getToken: async () => answer() };
}

export function tokenFor(token: string): AccessToken {
  return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}
