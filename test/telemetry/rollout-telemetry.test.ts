import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { childEnv, CLI } from '../support/cli';
import { startCaptureServer, type CaptureServer, type Envelope } from './support/capture-server';

/**
 * A whole rollout (`npm start`) with Application Insights pointed at a loopback HTTPS ingestion endpoint: the real SDK,
 * the real exporter, the real orchestration on the local host. Replays must not duplicate anything, and no secret may
 * reach any byte that leaves the process.
 */

jest.setTimeout(90_000);

const run = promisify(execFile);
const HMAC_SECRET = randomBytes(32).toString('base64');
const WORKFLOW_SIG = `sig${randomBytes(12).toString('hex')}`;

let ingestion: CaptureServer;
let workflows: Server;
let envelopes: Envelope[] = [];
let raw = '';
let stdout = '';

function events(name: string): Envelope[] {
  return envelopes.filter((e) => e.data.baseType === 'EventData' && e.data.baseData.name === name);
}

beforeAll(async () => {
  ingestion = await startCaptureServer();
  workflows = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(202).end());
  });
  await new Promise<void>((r) => workflows.listen(0, '127.0.0.1', () => r()));
  const env = childEnv({
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=11111111-2222-4333-8444-555555555555;IngestionEndpoint=${ingestion.url}/`,
    NODE_EXTRA_CA_CERTS: ingestion.caFile,
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
    APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
    APPLICATIONINSIGHTS_CONFIGURATION_CONTENT: JSON.stringify({ enableUseDiskRetryCaching: false }),
    // The SDK also polls a Microsoft settings service; nothing may leave this machine.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1',
    TEAMS_OUTGOING_WEBHOOK_SECRET: HMAC_SECRET,
    TEAMS_NOTIFY_URL: `http://127.0.0.1:${(workflows.address() as AddressInfo).port}/workflows/abc/triggers/manual/run?api-version=1&sig=${WORKFLOW_SIG}`,
  });
  ({ stdout } = await run(process.execPath, [CLI, 'demo'], { env, timeout: 60_000 }));
  envelopes = await ingestion.waitFor((all) => all.some((e) => e.data.baseData.name === 'Rollout.Completed'), 20_000);
  raw = ingestion.rawRequests().join('\n');
});

afterAll(async () => {
  await ingestion?.close();
  await new Promise<void>((r) => workflows.close(() => r()));
});

describe('telemetry of a whole rollout', () => {
  it('has one custom event per decision, none duplicated by orchestrator replays', () => {
    expect(stdout).toContain('As expected: Completed');
    expect(events('Rollout.Started')).toHaveLength(1);
    expect(events('Preflight.Completed')).toHaveLength(1);
    expect(events('Preflight.Completed')[0]?.data.baseData.properties).toMatchObject({ shape: 'featureSettings', reason: 'ready' });
    expect(events('Ring.Enabled')).toHaveLength(3);
    expect(events('Approval.Requested')).toHaveLength(2);
    expect(events('Approval.Decided')).toHaveLength(2);
    expect(events('Rollout.Completed')).toHaveLength(1);
    const checks = events('Health.Checked');
    const healthLines = stdout.split('\n').filter((line) => / Health +ring /.test(line));
    expect(checks).toHaveLength(healthLines.length);
    expect(new Set(checks.map((e) => `${e.data.baseData.properties?.ring} ${e.data.baseData.measurements?.signIns}`)).size).toBeGreaterThan(1);
  });

  it('names every event consistently with the rollout, feature, ring, target and actor where they apply', () => {
    const rolloutId = events('Rollout.Started')[0]?.data.baseData.properties?.rolloutId;
    expect(rolloutId).toMatch(/^r[a-z0-9]{7}$/);
    for (const e of envelopes.filter((x) => x.data.baseType === 'EventData')) {
      expect(e.data.baseData.properties).toMatchObject({ rolloutId, feature: 'displayAppInformation' });
    }
    expect(events('Ring.Enabled').map((e) => e.data.baseData.properties?.ring)).toEqual(['pilot', 'early-adopters', 'everyone']);
    expect(events('Approval.Decided')[0]?.data.baseData.properties?.actor).toMatch(/Avery Approver \(simulated\)/);
  });

  it('records a dependency per Graph request and per Teams notification, and the health and approval metrics', () => {
    const dependencies = envelopes.filter((e) => e.data.baseType === 'RemoteDependencyData');
    expect(dependencies.some((d) => /PATCH .*MicrosoftAuthenticator/.test(d.data.baseData.name ?? ''))).toBe(true);
    expect(dependencies.some((d) => /auditLogs\/signIns/.test(d.data.baseData.name ?? ''))).toBe(true);
    const workflowCalls = dependencies.filter((d) => d.data.baseData.properties?.dependencyType === 'Teams Workflows');
    expect(workflowCalls.length).toBeGreaterThanOrEqual(6);
    for (const d of workflowCalls) expect(d.data.baseData.target).not.toMatch(/workflows|sig/);
    const metricNames = envelopes.filter((e) => e.data.baseType === 'MetricData').flatMap((e) => e.data.baseData.metrics?.map((m) => m.name) ?? []);
    expect(metricNames).toEqual(expect.arrayContaining(['Health.SignIns', 'Health.MfaFailureRate', 'Approval.WaitMinutes']));
  });

  it('never carries a secret: not the HMAC token, not the Workflows URL or its signature, not a bearer token', () => {
    expect(raw.length).toBeGreaterThan(1000);
    expect(raw).not.toContain(HMAC_SECRET);
    expect(raw).not.toContain(WORKFLOW_SIG);
    expect(raw).not.toContain('/workflows/abc/triggers');
    expect(raw).not.toMatch(/Bearer\s+[A-Za-z0-9]/);
    expect(raw).not.toMatch(/access_token/);
  });
});
