/**
 * Run as a separate node process by the tests: NODE_EXTRA_CA_CERTS (the capture server's certificate) is read only
 * when a process starts. Makes the calls listed in CHILD_CALLS, flushes, prints one JSON line, and exits on its own.
 */
import { createTelemetry, type Telemetry } from '../../../src/telemetry';

export type ChildCall =
  | { method: 'event'; args: Parameters<Telemetry['event']> }
  | { method: 'metric'; args: Parameters<Telemetry['metric']> }
  | { method: 'dependency'; args: Parameters<Telemetry['dependency']> }
  | { method: 'exception'; message: string; properties?: Record<string, string> };

export interface ChildReport {
  sdkLoadedAtImport: boolean;
  sdkLoadedAfterCalls: boolean;
  health: unknown;
}

function sdkLoaded(): boolean {
  return Object.keys(require.cache).some((file) => /[\\/]node_modules[\\/]applicationinsights[\\/]/.test(file));
}

async function main(): Promise<void> {
  const sdkLoadedAtImport = sdkLoaded();
  const calls = JSON.parse(process.env.CHILD_CALLS ?? '[]') as ChildCall[];
  const secrets = JSON.parse(process.env.CHILD_SECRETS ?? '[]') as string[];
  const telemetry = createTelemetry({
    connectionString: process.env.CHILD_CONNECTION_STRING,
    secrets: () => secrets,
    offlineStorage: false,
    flushTimeoutMs: Number(process.env.CHILD_FLUSH_TIMEOUT_MS ?? 10_000),
  });
  for (const call of calls) {
    if (call.method === 'event') telemetry.event(...call.args);
    else if (call.method === 'metric') telemetry.metric(...call.args);
    else if (call.method === 'dependency') telemetry.dependency(...call.args);
    else telemetry.exception(new Error(call.message), call.properties);
  }
  await telemetry.flush();
  const report: ChildReport = { sdkLoadedAtImport, sdkLoadedAfterCalls: sdkLoaded(), health: telemetry.health() };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

void main();
