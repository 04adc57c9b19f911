import { createTelemetry, getTelemetry, type MonitoredTelemetry } from '../../src/telemetry';

const VALID_KEY = '11111111-2222-3333-4444-555555555555';

async function exerciseEveryMethod(telemetry: MonitoredTelemetry): Promise<void> {
  telemetry.event('Rollout.Started', { rolloutId: 'r-1' }, { rings: 3 });
  telemetry.metric('Ring.SoakMinutes', 10);
  telemetry.dependency({ type: 'Microsoft Graph', name: 'GET /v1.0/x', target: '/v1.0/x', durationMs: 1, resultCode: 200, success: true });
  telemetry.exception(new Error('boom'));
  await telemetry.flush();
}

describe('telemetry without a usable connection string', () => {
  it('is off without a connection string: every call is accepted and nothing is counted as a failure', async () => {
    const telemetry = createTelemetry({});
    await expect(exerciseEveryMethod(telemetry)).resolves.toBeUndefined();
    expect(telemetry.health()).toEqual({ enabled: false, failures: 0 });
  });

  it('is off with a blank connection string', () => {
    expect(createTelemetry({ connectionString: '  ' }).health()).toEqual({ enabled: false, failures: 0 });
  });

  it('says a connection string without InstrumentationKey is unusable, without quoting it', async () => {
    const telemetry = createTelemetry({ connectionString: 'IngestionEndpoint=https://example.org/;Secretish=value' });
    await expect(exerciseEveryMethod(telemetry)).resolves.toBeUndefined();
    const health = telemetry.health();
    expect(health).toMatchObject({ enabled: false, failures: 1 });
    expect(health.lastFailure).toBe('telemetry is off: the Application Insights connection string has no InstrumentationKey');
  });

  it('says an InstrumentationKey that is not a GUID is unusable', () => {
    expect(createTelemetry({ connectionString: 'InstrumentationKey=abc' }).health().lastFailure).toMatch(/not a GUID/);
  });

  it('says an IngestionEndpoint that is not an http(s) URL is unusable', () => {
    const telemetry = createTelemetry({ connectionString: `InstrumentationKey=${VALID_KEY};IngestionEndpoint=ftp://x` });
    expect(telemetry.health().lastFailure).toMatch(/IngestionEndpoint .* not an http\(s\) URL/);
  });
});

describe('telemetry with a usable connection string', () => {
  const connectionString = `InstrumentationKey=${VALID_KEY};IngestionEndpoint=https://127.0.0.1:9/`;

  it('counts a metric that is not a finite number instead of sending or throwing', () => {
    const telemetry = createTelemetry({ connectionString });
    expect(() => telemetry.metric('Health.MfaFailureRate', Number.NaN)).not.toThrow();
    expect(telemetry.health()).toEqual({
      enabled: true,
      failures: 1,
      lastFailure: 'metric Health.MfaFailureRate: value NaN is not a finite number',
    });
  });

  it('drops an item whose secrets cannot be listed rather than sending it unscrubbed', () => {
    const telemetry = createTelemetry({
      connectionString,
      secrets: () => {
        throw new Error('key vault unreachable');
      },
    });
    expect(() => telemetry.event('Rollout.Started', { rolloutId: 'r-1' })).not.toThrow();
    expect(telemetry.health()).toMatchObject({ failures: 1, lastFailure: 'event Rollout.Started: key vault unreachable' });
  });
});

describe('getTelemetry', () => {
  const saved = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  afterEach(() => {
    if (saved === undefined) delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
    else process.env.APPLICATIONINSIGHTS_CONNECTION_STRING = saved;
  });

  it('is one instance per process while the setting is unchanged', () => {
    delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
    expect(getTelemetry()).toBe(getTelemetry());
    expect(getTelemetry().health()).toEqual({ enabled: false, failures: 0 });
  });

  it('is rebuilt from APPLICATIONINSIGHTS_CONNECTION_STRING when the setting changes', () => {
    delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
    const before = getTelemetry();
    process.env.APPLICATIONINSIGHTS_CONNECTION_STRING = 'InstrumentationKey=not-a-guid';
    const after = getTelemetry();
    expect(after).not.toBe(before);
    expect(after.health().lastFailure).toMatch(/InstrumentationKey .* not a GUID/);
  });
});
