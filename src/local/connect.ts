import type { GraphGateway } from '../graph';
import type { EmulatedTenant } from './tenant';

export interface GraphConnection {
  graph: GraphGateway;
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

/**
 * Points the Graph settings at an emulated tenant: its URL, its App Service managed identity endpoint (so the real
 * DefaultAzureCredential gets its tokens) and the API version to speak (beta for the legacy shape).
 */
export function pointEnvironmentAt(tenant: EmulatedTenant, apiVersion: string, env: NodeJS.ProcessEnv = process.env): void {
  env.GRAPH_BASE_URL = tenant.url;
  env.IDENTITY_ENDPOINT = tenant.identityEndpoint;
  env.IDENTITY_HEADER = tenant.identityHeader;
  env.GRAPH_API_VERSION = apiVersion;
}

/** Gateway options for a virtual clock: no client-side pacing of the reports endpoints. */
export const UNPACED_REPORTS = { reportsLimit: { requests: Number.MAX_SAFE_INTEGER, windowMs: 1 } } as const;

/**
 * Graph as configured by the environment, or, when GRAPH_BASE_URL is unset, the built-in emulated tenant started in
 * this process. In that case the environment is pointed at it (GRAPH_BASE_URL, the App Service managed identity
 * endpoint and, for the legacy shape, GRAPH_API_VERSION=beta) so that every later Graph user in the process, the
 * activities included, reaches the same tenant through the real credential flow.
 */
export async function connectGraph(env: NodeJS.ProcessEnv = process.env, options: ConnectOptions = {}): Promise<GraphConnection> {
  const { createGraphGateway, graphOptionsFromEnv } = await import('../graph');
  if (env.GRAPH_BASE_URL) {
    return { graph: createGraphGateway(graphOptionsFromEnv(env)), where: `${env.GRAPH_BASE_URL} (${env.GRAPH_API_VERSION ?? 'v1.0'})`, close: async () => undefined };
  }
  const { startEmulatedTenant } = await import('./tenant');
  const tenant = await startEmulatedTenant({
    shape: options.shape ?? 'featureSettings',
    ...(options.now ? { now: options.now } : {}),
    ...(options.virtualTime ? { reportsThrottle: false as const } : {}),
  });
  pointEnvironmentAt(tenant, options.shape === 'legacy' ? 'beta' : (env.GRAPH_API_VERSION ?? 'v1.0'), env);
  const graph = createGraphGateway({ ...graphOptionsFromEnv(env), ...(options.virtualTime ? UNPACED_REPORTS : {}) });
  return {
    graph,
    tenant,
    where: `the built-in emulated tenant at ${tenant.url} (${options.shape ?? 'featureSettings'} shape)`,
    close: () => tenant.close(),
  };
}
