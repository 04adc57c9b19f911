/**
 * Application Insights telemetry: the audit trail identity administrators use to prove afterwards what happened to a
 * rollout, when and why.
 *
 * Call it from ACTIVITIES only, never from an orchestrator: an orchestrator function is replayed from its history many
 * times, and every replay would emit the same events again. Nothing here deduplicates.
 *
 * Importing this module costs nothing: the SDK (~1.2 s to load) is required on the first item sent. Without
 * `APPLICATIONINSIGHTS_CONNECTION_STRING` nothing is loaded at all. Nothing here throws: failures are counted in
 * `health()`. Every string (property keys and values, names, targets, exception messages and stacks) is scrubbed of
 * secrets first (see `scrubSecrets`).
 *
 * Environment (the SDK's own settings):
 * - `APPLICATIONINSIGHTS_CONNECTION_STRING`: where to send; unset means telemetry is off.
 * - `APPLICATION_INSIGHTS_NO_STATSBEAT=true`: no SDK self-telemetry at all; `APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true`
 *   only turns off its non-essential part; `APPLICATIONINSIGHTS_SDKSTATS_DISABLED=true` the customer SDK stats.
 *   Set all three in tests and on machines that must not call Microsoft's statsbeat endpoints.
 * - `APPLICATIONINSIGHTS_CONFIGURATION_CONTENT='{"enableUseDiskRetryCaching":false}'`: no offline retry storage on
 *   disk for `getTelemetry()` (tests pass `offlineStorage: false` to `createTelemetry` instead). By default items
 *   that cannot be delivered are kept on disk and resent: the audit trail survives an ingestion outage.
 */
import { createAppInsightsTelemetry } from './app-insights';
import type { TokenCredential } from '@azure/identity';
import { connectionStringProblem } from './connection-string';
import { createNoopTelemetry } from './noop';
import { processSecrets } from './secrets';
import type { MonitoredTelemetry } from './types';

export type {
  DependencyCall,
  DependencyType,
  MonitoredTelemetry,
  RolloutEventName,
  RolloutEventProperties,
  RolloutMetricName,
  Telemetry,
  TelemetryHealth,
} from './types';
export { REDACTED, scrubSecrets } from './scrub';
export { rememberSecret } from './secrets';

export interface TelemetryOptions {
  connectionString?: string;
  /** Values to remove from everything sent; read on every item, so newly seen tokens count at once. */
  secrets?: () => string[];
  /** Keep undeliverable items on disk and resend them later. Default true. */
  offlineStorage?: boolean;
  /** How long `flush()` may wait for ingestion. Default 10 s. */
  flushTimeoutMs?: number;
  /** Entra credential for ingestion (Application Insights with local authentication disabled). */
  credential?: TokenCredential;
}

const DEFAULT_FLUSH_TIMEOUT_MS = 10_000;

let shared: { connectionString: string | undefined; telemetry: MonitoredTelemetry } | undefined;

/**
 * The process-wide telemetry, built on first call from `APPLICATIONINSIGHTS_CONNECTION_STRING` (and built again if
 * that setting changes). It removes the values of secret-looking app settings and those given to `rememberSecret`.
 */
export function getTelemetry(): MonitoredTelemetry {
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (shared === undefined || shared.connectionString !== connectionString) {
    const credential = ingestionCredential(process.env);
    shared = { connectionString, telemetry: createTelemetry({ connectionString, secrets: processSecrets, ...(credential ? { credential } : {}) }) };
  }
  return shared.telemetry;
}

/** An isolated telemetry instance (tests, or a second destination). */
export function createTelemetry(options: TelemetryOptions): MonitoredTelemetry {
  const connectionString = options.connectionString?.trim() ?? '';
  if (connectionString === '') return createNoopTelemetry();
  const problem = connectionStringProblem(connectionString);
  if (problem !== undefined) return createNoopTelemetry(`telemetry is off: ${problem}`);
  return createAppInsightsTelemetry({
    connectionString,
    secrets: options.secrets ?? (() => []),
    offlineStorage: options.offlineStorage ?? true,
    flushTimeoutMs: options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS,
    ...(options.credential ? { credential: options.credential } : {}),
  });
}

/**
 * `APPLICATIONINSIGHTS_AUTHENTICATION_STRING=ClientId=<id>;Authorization=AAD` (what the infra sets) means ingestion
 * accepts Entra tokens only: use the user-assigned managed identity it names. @azure/identity is loaded only then.
 */
export function ingestionCredential(env: NodeJS.ProcessEnv): TokenCredential | undefined {
  const parts = new Map(
    (env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '')
      .split(';')
      .map((part) => part.split('=').map((s) => s.trim()))
      .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== '')
      .map(([k, v]) => [k.toLowerCase(), v] as const),
  );
  if (parts.get('authorization')?.toLowerCase() !== 'aad') return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when Entra ingestion is configured
  const { ManagedIdentityCredential } = require('@azure/identity') as typeof import('@azure/identity');
  const clientId = parts.get('clientid');
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}
