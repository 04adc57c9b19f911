import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startCaptureServer, type BaseData, type CaptureServer, type Envelope } from './support/capture-server';
import type { ChildCall } from './support/emit-child';
import { runChild, type ChildRun } from './support/run-child';

/** Fakes shaped like the real secrets: the Teams HMAC token, the Workflows URL, a Graph bearer token. */
const HMAC_TOKEN = 'q0V9sJ3m1XyZ8bT4nR2wLk7pQa5cFh6dEg0uIoPzS1M=';
const SIGNATURE = 'Zx9yFakeSignatureValue0123456789';
const WORKFLOW_URL = `https://prod-27.westeurope.logic.azure.com:443/workflows/8c1f0e2a77/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIGNATURE}`;
const UNLISTED_WORKFLOW_URL = 'https://default0a1b.d3.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/77aa/triggers/manual/paths/invoke?sig=UnlistedSig987';
const BEARER = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ1bmlxdWUiOiJmYWtlLWdyYXBoLXRva2VuIn0.ZmFrZS1zaWduYXR1cmUtYnl0ZXM';
const SECRETS = [HMAC_TOKEN, WORKFLOW_URL, BEARER];
const FORBIDDEN = [
  HMAC_TOKEN,
  encodeURIComponent(HMAC_TOKEN),
  SIGNATURE,
  '/workflows/8c1f0e2a77',
  'UnlistedSig987',
  '/workflows/77aa',
  BEARER,
  BEARER.split('.')[2]!,
];

const GRAPH_POLICY = 'https://graph.microsoft.com/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator';
const KEY = '11111111-2222-3333-4444-555555555555';

const CALLS: ChildCall[] = [
  {
    method: 'event',
    args: ['Rollout.Started', { rolloutId: 'r-42', feature: 'numberMatching', actor: 'admin@contoso.com', reason: 'scheduled' }, { rings: 3 }],
  },
  { method: 'event', args: ['Ring.Enabled', { rolloutId: 'r-42', ring: 'pilot', target: 'group-7a1d' }] },
  {
    method: 'event',
    args: ['Webhook.Refused', { reason: `signature did not verify with ${HMAC_TOKEN}`, authorization: `Bearer ${BEARER}` }],
  },
  {
    method: 'event',
    args: ['Notification.Failed', { rolloutId: 'r-42', reason: JSON.stringify({ url: WORKFLOW_URL, fallback: UNLISTED_WORKFLOW_URL, status: 502 }) }],
  },
  { method: 'metric', args: ['Ring.SoakMinutes', 1440, { rolloutId: 'r-42', ring: 'pilot' }] },
  { method: 'metric', args: ['Health.MfaFailureRate', 0.125, { rolloutId: 'r-42', ring: 'pilot' }] },
  { method: 'metric', args: ['Approval.WaitMinutes', 37.5, { rolloutId: 'r-42' }] },
  {
    method: 'dependency',
    args: [{
      type: 'Microsoft Graph',
      name: 'PATCH /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator',
      target: `${GRAPH_POLICY}?access_token=${BEARER}`,
      durationMs: 187,
      resultCode: 204,
      success: true,
      properties: { attempt: '1', authorization: `Bearer ${BEARER}` },
    }],
  },
  {
    method: 'dependency',
    args: [{
      type: 'Microsoft Graph',
      name: 'GET /v1.0/auditLogs/signIns',
      target: "https://graph.microsoft.com/v1.0/auditLogs/signIns?$filter=userId eq 'u-1'",
      durationMs: 2500,
      resultCode: 429,
      success: false,
    }],
  },
  {
    method: 'dependency',
    args: [{ type: 'Teams Workflows', name: 'POST Workflows card', target: WORKFLOW_URL, durationMs: 1234, resultCode: 502, success: false }],
  },
  {
    method: 'exception',
    message: `Teams Workflows call to ${WORKFLOW_URL} failed; token ${HMAC_TOKEN}; Authorization: Bearer ${BEARER}`,
    properties: { rolloutId: 'r-42', reason: UNLISTED_WORKFLOW_URL },
  },
];

function ofType(envelopes: Envelope[], baseType: string): BaseData[] {
  return envelopes.filter((e) => e.data.baseType === baseType).map((e) => e.data.baseData);
}

function metricPoints(envelopes: Envelope[]): Array<{ name: string; value: number; count?: number; properties?: Record<string, string> }> {
  return ofType(envelopes, 'MetricData').flatMap((m) => (m.metrics ?? []).map((point) => ({ ...point, properties: m.properties })));
}

function complete(envelopes: Envelope[]): boolean {
  return (
    ofType(envelopes, 'EventData').length >= 4 &&
    ofType(envelopes, 'RemoteDependencyData').length >= 3 &&
    ofType(envelopes, 'ExceptionData').length >= 1 &&
    metricPoints(envelopes).filter((p) => p.name.includes('.')).length >= 3
  );
}

describe('telemetry through the real Application Insights SDK to a loopback ingestion endpoint', () => {
  let server: CaptureServer;
  let run: ChildRun;
  let envelopes: Envelope[];

  beforeAll(async () => {
    server = await startCaptureServer();
    run = await runChild({
      connectionString: `InstrumentationKey=${KEY};IngestionEndpoint=${server.url}/`,
      caFile: server.caFile,
      secrets: SECRETS,
      calls: CALLS,
      timeoutMs: 25_000,
    });
    envelopes = await server.waitFor(complete, 20_000);
  }, 60_000);

  afterAll(async () => {
    await server.close();
  });

  it('emits, flushes and exits on its own with no failure counted', () => {
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.report?.health).toEqual({ enabled: true, failures: 0 });
  });

  it('sends one event envelope per event() call, with its name, properties and measurements', () => {
    const events = ofType(envelopes, 'EventData');
    expect(events.map((e) => e.name).sort()).toEqual(['Notification.Failed', 'Ring.Enabled', 'Rollout.Started', 'Webhook.Refused']);
    const started = events.find((e) => e.name === 'Rollout.Started')!;
    expect(started.properties).toEqual({ rolloutId: 'r-42', feature: 'numberMatching', actor: 'admin@contoso.com', reason: 'scheduled' });
    expect(started.measurements).toEqual({ rings: 3 });
    expect(events.find((e) => e.name === 'Ring.Enabled')!.properties).toEqual({ rolloutId: 'r-42', ring: 'pilot', target: 'group-7a1d' });
  });

  it('sends metrics with their values and properties once flushed', () => {
    const points = metricPoints(envelopes);
    const soak = points.find((p) => p.name === 'Ring.SoakMinutes');
    expect(soak).toMatchObject({ value: 1440, count: 1, properties: { rolloutId: 'r-42', ring: 'pilot' } });
    expect(points.find((p) => p.name === 'Health.MfaFailureRate')).toMatchObject({ value: 0.125 });
    expect(points.find((p) => p.name === 'Approval.WaitMinutes')).toMatchObject({ value: 37.5 });
  });

  it('sends one dependency per dependency() call with name, target, result code, duration and success', () => {
    const dependencies = ofType(envelopes, 'RemoteDependencyData');
    expect(dependencies).toHaveLength(3);
    const patch = dependencies.find((d) => String(d.name).startsWith('PATCH'))!;
    expect(patch).toMatchObject({
      name: 'PATCH /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator',
      target: GRAPH_POLICY,
      resultCode: '204',
      duration: '00:00:00.187',
      success: true,
    });
    expect(patch.properties).toMatchObject({ dependencyType: 'Microsoft Graph', attempt: '1', authorization: 'Bearer [redacted]' });
    expect(dependencies.find((d) => d.name === 'GET /v1.0/auditLogs/signIns')).toMatchObject({
      target: 'https://graph.microsoft.com/v1.0/auditLogs/signIns',
      resultCode: '429',
      duration: '00:00:02.500',
      success: false,
    });
  });

  it('shows only the host of a Teams Workflows dependency', () => {
    const teams = ofType(envelopes, 'RemoteDependencyData').find((d) => d.name === 'POST Workflows card');
    expect(teams).toMatchObject({
      target: 'prod-27.westeurope.logic.azure.com',
      resultCode: '502',
      duration: '00:00:01.234',
      success: false,
      properties: { dependencyType: 'Teams Workflows' },
    });
  });

  it('sends exceptions with their message and stack, secrets removed', () => {
    const [exception] = ofType(envelopes, 'ExceptionData');
    const details = exception!.exceptions![0]!;
    expect(details.message).toBe('Teams Workflows call to [redacted] failed; token [redacted]; Authorization: Bearer [redacted]');
    expect(details.parsedStack!.length).toBeGreaterThan(0);
    expect(exception!.properties).toEqual({ rolloutId: 'r-42', reason: '[redacted]' });
  });

  it('keeps what makes a refusal or a failed notification understandable while removing the secrets', () => {
    const events = ofType(envelopes, 'EventData');
    expect(events.find((e) => e.name === 'Webhook.Refused')!.properties).toEqual({
      reason: 'signature did not verify with [redacted]',
      authorization: 'Bearer [redacted]',
    });
    expect(JSON.parse(events.find((e) => e.name === 'Notification.Failed')!.properties!.reason!)).toEqual({
      url: '[redacted]',
      fallback: '[redacted]',
      status: 502,
    });
  });

  it('lets no secret through in any byte of any request', () => {
    const requests = server.rawRequests();
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      for (const secret of FORBIDDEN) expect(request).not.toContain(secret);
    }
  });

  it('loads the SDK on the first item, not when src/telemetry is imported', () => {
    expect(run.report).toMatchObject({ sdkLoadedAtImport: false, sdkLoadedAfterCalls: true });
  });
});

describe('telemetry when things go wrong', () => {
  async function closedPort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  it('does not throw or fail the process when the ingestion endpoint is down', async () => {
    const port = await closedPort();
    const run = await runChild({
      connectionString: `InstrumentationKey=${KEY};IngestionEndpoint=https://127.0.0.1:${port}/`,
      secrets: SECRETS,
      calls: CALLS,
      timeoutMs: 25_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.report?.health).toMatchObject({ enabled: true });
    for (const secret of FORBIDDEN) expect(run.stdout + run.stderr).not.toContain(secret);
  }, 30_000);

  it('gives up flushing after its timeout, counting a failure, when ingestion is too slow to answer', async () => {
    const hanging = await startCaptureServer({ holdRequestsMs: 3_000 });
    try {
      const run = await runChild({
        connectionString: `InstrumentationKey=${KEY};IngestionEndpoint=${hanging.url}/`,
        caFile: hanging.caFile,
        secrets: SECRETS,
        calls: CALLS,
        flushTimeoutMs: 1_000,
        timeoutMs: 25_000,
      });
      expect(run.exitCode).toBe(0);
      expect(run.report?.health).toEqual({
        enabled: true,
        failures: 1,
        lastFailure: 'flush: ingestion did not answer within 1000 ms',
      });
      expect(hanging.rawRequests().length).toBeGreaterThan(0);
    } finally {
      await hanging.close();
    }
  }, 30_000);

  it('loads nothing at all without a connection string, even after every kind of call', async () => {
    const run = await runChild({ calls: CALLS, timeoutMs: 25_000 });
    expect(run.exitCode).toBe(0);
    expect(run.report).toEqual({ sdkLoadedAtImport: false, sdkLoadedAfterCalls: false, health: { enabled: false, failures: 0 } });
  }, 30_000);

  it('loads nothing and says why when the connection string is broken', async () => {
    const run = await runChild({ connectionString: 'InstrumentationKey=not-a-guid', calls: CALLS, timeoutMs: 25_000 });
    expect(run.exitCode).toBe(0);
    expect(run.report).toMatchObject({ sdkLoadedAfterCalls: false, health: { enabled: false, failures: 1 } });
    expect(JSON.stringify(run.report)).toContain('InstrumentationKey in the Application Insights connection string is not a GUID');
  }, 30_000);
});
