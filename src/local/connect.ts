import type { AccessToken, TokenCredential } from '@azure/identity';
import type { ApiVersion, GraphGateway, GraphGatewayOptions } from '../graph';
import type { EmulatedTenant } from './tenant';

export interface GraphConnection {
  graph: GraphGateway;
  /** What the rollout services need on top of the app settings to reach the same Graph (empty for a real Graph). */
  graphOptions: Partial<GraphGatewayOptions>;
  /** The in-process emulated tenant, when GRAPH_BASE_URL was not set. */
  tenant?: EmulatedTenant;
  /** Where Graph is, for humans (no secrets). */
  where: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Shape of the emulated tenant (ignored for a real Graph). */
  shape?: 'featureSettings' | 'legacy';
  now?: () => Date;
  /**
   * The caller runs on a virtual clock: the reports throttle (5 requests per 10 s of REAL time) is not emulated, as
   * real request rates mean nothing when days pass in seconds. Its own tests run in real time.
   */
  virtualTime?: boolean;
}

/** Gateway options for a virtual clock: no client-side pacing of the reports endpoints. */
export const UNPACED_REPORTS = { reportsLimit: { requests: Number.MAX_SAFE_INTEGER, windowMs: 1 } } as const;

/**
 * Graph as configured by the environment, or, when GRAPH_BASE_URL is unset, the built-in emulated tenant started in
 * this process. The environment is only read, never rewritten: the caller hands `graphOptions` to configureServices.
 */
export async function connectGraph(env: NodeJS.ProcessEnv = process.env, options: ConnectOptions = {}): Promise<GraphConnection> {
  const { createGraphGateway, graphOptionsFromEnv } = await import('../graph');
  if (env.GRAPH_BASE_URL) {
    return { graph: createGraphGateway(graphOptionsFromEnv(env)), graphOptions: {}, where: `${env.GRAPH_BASE_URL} (${env.GRAPH_API_VERSION ?? 'v1.0'})`, close: async () => undefined };
  }
  const { startEmulatedTenant } = await import('./tenant');
  const shape = options.shape ?? 'featureSettings';
  const tenant = await startEmulatedTenant({
    shape,
    ...(options.now ? { now: options.now } : {}),
    ...(options.virtualTime ? { reportsThrottle: false as const } : {}),
  });
  const graphOptions: Partial<GraphGatewayOptions> = {
    ...emulatedGraphOptions(tenant, graphOptionsFromEnv(env).apiVersion),
    ...(options.virtualTime ? UNPACED_REPORTS : {}),
  };
  return {
    graph: createGraphGateway({ ...graphOptionsFromEnv(env), ...graphOptions }),
    graphOptions,
    tenant,
    where: `the built-in emulated tenant at ${tenant.url} (${shape} shape)`,
    close: () => tenant.close(),
  };
}

/**
 * The gateway options that reach an emulated tenant: its URL and its managed identity, and the API version only when
 * one is forced (otherwise the gateway picks it per feature and detects a legacy tenant, as against a real one).
 */
export function emulatedGraphOptions(tenant: EmulatedTenant, apiVersion?: ApiVersion): Partial<GraphGatewayOptions> {
  return { baseUrl: tenant.url, credential: emulatedTenantCredential(tenant), ...(apiVersion ? { apiVersion } : {}) };
}

/**
 * Tokens from the emulated tenant's App Service managed identity endpoint (the protocol DefaultAzureCredential speaks
 * in Azure, whose own flow the gateway's tests run), without pointing the process environment at it.
 */
export function emulatedTenantCredential(tenant: EmulatedTenant): TokenCredential {
  let cached: AccessToken | undefined;
  return {
    async getToken(): Promise<AccessToken> {
      if (cached && cached.expiresOnTimestamp - 60_000 > Date.now()) return cached;
      const url = new URL(tenant.identityEndpoint);
      url.searchParams.set('api-version', '2019-08-01');
      url.searchParams.set('resource', 'https://graph.microsoft.com');
      const response = await fetch(url, { headers: { 'X-IDENTITY-HEADER': tenant.identityHeader } });
      const body = (await response.json()) as { access_token?: unknown; expires_on?: unknown; error_description?: string };
      if (!response.ok || typeof body.access_token !== 'string') {
        throw new Error(`the emulated tenant's managed identity refused a token (${response.status}): ${body.error_description ?? ''}`);
      }
      cached = { token: body.access_token, expiresOnTimestamp: Number(body.expires_on) * 1000 };
      return cached;
    },
  };
}
