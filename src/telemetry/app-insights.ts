import type { TokenCredential } from '@azure/identity';
import type * as AppInsights from 'applicationinsights';
import { errorDetails } from './error-details';
import { scrubProperties, scrubSecrets } from './scrub';
import { dependencyTarget } from './target';
import type { DependencyCall, MonitoredTelemetry, RolloutEventProperties } from './types';

export interface AppInsightsOptions {
  connectionString: string;
  secrets: () => readonly string[];
  /** Keep items on disk while ingestion is unreachable and resend them later (the SDK's default). */
  offlineStorage: boolean;
  /** How long `flush()` may wait for ingestion before it gives up (and counts a failure). */
  flushTimeoutMs: number;
  /** Entra credential for ingestion when local authentication is disabled on the resource. */
  credential?: TokenCredential;
}

type Client = AppInsights.TelemetryClient;

/**
 * Telemetry through an isolated Application Insights `TelemetryClient`. The SDK is loaded on the first item, not at
 * import. Every failure is counted in `health()` and swallowed: telemetry never fails a rollout. An item whose secrets
 * cannot be listed is dropped rather than sent unscrubbed.
 */
export function createAppInsightsTelemetry(options: AppInsightsOptions): MonitoredTelemetry {
  let client: Client | undefined;
  let startFailed = false;
  let failures = 0;
  let lastFailure: string | undefined;

  function recordFailure(what: string, error: unknown): void {
    failures += 1;
    lastFailure = scrubSecrets(`${what}: ${errorDetails(error).message}`, safeSecrets());
  }

  function safeSecrets(): readonly string[] {
    try {
      return options.secrets();
    } catch {
      return [];
    }
  }

  /** A client that failed to start is not retried on every item: the SDK would fail the same way. */
  function connect(): Client | undefined {
    if (client !== undefined || startFailed) return client;
    try {
      client = startClient(options);
    } catch (error) {
      startFailed = true;
      throw error;
    }
    return client;
  }

  function send(what: string, track: (client: Client, secrets: readonly string[]) => void): void {
    try {
      const secrets = options.secrets();
      const connected = connect();
      if (connected !== undefined) track(connected, secrets);
    } catch (error) {
      recordFailure(what, error);
    }
  }

  return {
    event(name, properties, measurements) {
      send(`event ${name}`, (c, secrets) =>
        c.trackEvent({ name, properties: scrubProperties(properties, secrets), measurements: finite(measurements, secrets) }),
      );
    },
    metric(name, value, properties) {
      if (!Number.isFinite(value)) {
        recordFailure(`metric ${name}`, new Error(`value ${value} is not a finite number`));
        return;
      }
      send(`metric ${name}`, (c, secrets) => c.trackMetric({ name, value, properties: scrubProperties(properties, secrets) }));
    },
    dependency(d) {
      send(`dependency ${d.type}`, (c, secrets) => c.trackDependency(toDependencyTelemetry(d, secrets)));
    },
    exception(error, properties?: RolloutEventProperties) {
      send('exception', (c, secrets) =>
        c.trackException({ exception: scrubbedError(error, secrets), properties: scrubProperties(properties, secrets) }),
      );
    },
    async flush() {
      if (client === undefined) return;
      try {
        await withTimeout(client.flush(), options.flushTimeoutMs);
      } catch (error) {
        recordFailure('flush', error);
      }
    },
    health() {
      const enabled = !startFailed;
      return lastFailure === undefined ? { enabled, failures } : { enabled, failures, lastFailure };
    },
  };
}

/** An activity awaiting `flush()` must not hang on an ingestion endpoint that accepts connections and never answers. */
async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`ingestion did not answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function loadSdk(): typeof AppInsights {
  // Required here, not imported at the top: loading the SDK takes ~1.2 s, and every function file is loaded on a
  // cold start, inside the Teams webhook's 5-second budget.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('applicationinsights') as typeof AppInsights;
}

/**
 * An isolated client rather than `setup().start()`: auto-collected HTTP dependencies would record the Workflows URL
 * with its `sig=` and Graph URLs with their queries, unscrubbed. Its own providers sample at 100 %, so no dependency
 * is dropped (the global setup's default sampler keeps 5 spans per second).
 */
function startClient(options: AppInsightsOptions): Client {
  const { TelemetryClient } = loadSdk();
  const client = new TelemetryClient(options.connectionString, { useGlobalProviders: false });
  client.config.samplingPercentage = 100;
  // Local authentication is off on the deployed Application Insights: ingestion takes Entra tokens only.
  if (options.credential) client.config.aadTokenCredential = options.credential;
  if (!options.offlineStorage) client.config.enableUseDiskRetryCaching = false;
  client.initialize();
  return client;
}

/**
 * Dependencies go out as HTTP calls (they are: Graph and Workflows over HTTPS) so that Application Insights shows
 * their result code and target; the exporter reads those from these span attributes, and sets neither for a custom
 * type. The product-level type stays in the `dependencyType` property.
 */
function toDependencyTelemetry(d: DependencyCall, secrets: readonly string[]): AppInsights.Contracts.DependencyTelemetry {
  const resultCode = scrubSecrets(String(d.resultCode), secrets);
  return {
    name: scrubSecrets(d.name, secrets),
    dependencyTypeName: d.type,
    target: scrubSecrets(dependencyTarget(d.type, d.target), secrets),
    duration: Number.isFinite(d.durationMs) ? Math.max(0, d.durationMs) : 0,
    resultCode,
    success: d.success,
    properties: {
      ...scrubProperties(d.properties, secrets),
      dependencyType: d.type,
      'http.method': httpMethod(d),
      'http.status_code': resultCode,
    },
  };
}

function httpMethod(d: DependencyCall): string {
  return /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s/.exec(d.name)?.[1] ?? (d.type === 'Teams Workflows' ? 'POST' : 'GET');
}

function scrubbedError(error: unknown, secrets: readonly string[]): Error {
  const details = errorDetails(error);
  const scrubbed = new Error(scrubSecrets(details.message, secrets));
  scrubbed.name = scrubSecrets(details.name, secrets);
  scrubbed.stack = scrubSecrets(details.stack ?? `${details.name}: ${details.message}`, secrets);
  return scrubbed;
}

function finite(
  measurements: Record<string, number> | undefined,
  secrets: readonly string[],
): Record<string, number> | undefined {
  if (measurements === undefined) return undefined;
  const kept: Record<string, number> = {};
  for (const [key, value] of Object.entries(measurements)) {
    if (Number.isFinite(value)) kept[scrubSecrets(key, secrets)] = value;
  }
  return kept;
}
