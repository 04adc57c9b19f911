import type { MonitoredTelemetry, TelemetryHealth } from './types';

/** Telemetry that sends nothing and loads nothing: used when no connection string is configured, or a broken one. */
export function createNoopTelemetry(problem?: string): MonitoredTelemetry {
  const health: TelemetryHealth =
    problem === undefined ? { enabled: false, failures: 0 } : { enabled: false, failures: 1, lastFailure: problem };
  return {
    event: () => undefined,
    metric: () => undefined,
    dependency: () => undefined,
    exception: () => undefined,
    flush: async () => undefined,
    health: () => ({ ...health }),
  };
}
