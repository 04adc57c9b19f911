import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildScript, esbuildArgs } from '../../bench/build-script';
import { featureStatus } from '../../src/policy';
import { ALL_USERS } from '../../src/policy/types';
import { validatePlan, type RolloutPlan } from '../../src/plan';
import { startLocalHost, type LocalHost } from '../../src/local/host';
import { DEMO, startEmulatedTenant, type EmulatedTenant } from '../../src/local/tenant';
import { startRollout } from '../../src/rollout/desk/start';
import { driveRollout } from '../../src/local/drive';
import { ACTIVITIES, ROLLOUT_ORCHESTRATOR } from '../../src/rollout/names';
import { APPROVER, OPERATOR, START } from '../rollout/harness';

/**
 * The deployment bundle (`npm run build` → build/functions.js) runs a whole rollout under the local host. The bundle is
 * built afresh into a temporary folder with the build script's own esbuild arguments, so that a build/functions.js
 * left over from older sources cannot pass for the current code.
 *
 * The bundle leaves @azure/functions-core external. Required from a test, the bundle is loaded by jest's module
 * system, so jest's moduleNameMapper answers that require with the local core, the same module the host's registry
 * reads: had the mapping not applied, the bundled @azure/functions would run in "test mode" and register nothing.
 * The bundle carries its own services (Graph gateway, reports pacing on the real clock), which the test cannot reset,
 * so the plan keeps to four report requests: under Graph's five per ten seconds, nothing waits.
 */

const REPO_ROOT = resolve(__dirname, '../../..');
const MAX_STEPS = 50;

jest.setTimeout(120_000);

let temp: string;
let host: LocalHost;
let tenant: EmulatedTenant;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'bundle-test-'));
  // Inside the repository, like the deployed package: the external modules resolve from its node_modules.
  const bundle = buildBundle(join(REPO_ROOT, 'dist', 'bundle-test', 'functions.js'));
  host = await startLocalHost({ bundle, clock: { virtualStart: START }, stateDir: join(temp, 'state') });
  tenant = await startEmulatedTenant({ shape: 'featureSettings', now: () => host.clock.now(), reportsThrottle: false });
  // The bundle configures its services from the app settings, read once by its first activity, as in Azure.
  Object.assign(process.env, { GRAPH_BASE_URL: tenant.url, GRAPH_API_VERSION: 'v1.0', IDENTITY_ENDPOINT: tenant.identityEndpoint, IDENTITY_HEADER: tenant.identityHeader });
});

afterAll(async () => {
  await host?.stop();
  await tenant?.close();
  await rm(temp, { recursive: true, force: true });
});

function buildBundle(outfile: string): string {
  const built = spawnSync('npx', esbuildArgs(buildScript(REPO_ROOT), outfile), { cwd: REPO_ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`esbuild failed: ${built.stderr}`);
  return outfile;
}

function twoRingPlan(): RolloutPlan {
  const checked = validatePlan({
    feature: 'displayAppInformation',
    rings: [
      { name: 'pilot', target: DEMO.groups.pilot, soak: 'P1D', approval: true },
      { name: 'everyone', target: ALL_USERS, soak: 'PT12H' },
    ],
    health: { maxFailureRate: 0.25, minSignIns: 10, interval: 'P1D' },
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.plan;
}

describe('the deployment bundle under the local host', () => {
  it('registers the orchestrator, every activity and the Teams webhook from the one bundled file', () => {
    const names = host.registry.list().map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining([ROLLOUT_ORCHESTRATOR, ...Object.values(ACTIVITIES), 'teamsWebhook']));
  });

  it('drives a rollout through pilot and all_users to Completed, one verified PATCH per ring', async () => {
    const started = await startRollout(host.client(), twoRingPlan(), OPERATOR, { lockWaitMs: 10_000, pollMs: 10 });
    if (started.kind !== 'started') throw new Error(`refused: ${started.activeRolloutId} is active`);
    const status = await driveRollout(host, host.client(), started.id, { onApproval: () => ({ action: 'approve', actor: APPROVER }), maxSteps: MAX_STEPS });

    expect({ status: status.status, enabledTarget: status.enabledTarget, message: status.message }).toEqual({
      status: 'Completed',
      enabledTarget: ALL_USERS,
      message: 'Completed: displayAppInformation is enabled for all_users',
    });
    const patches = tenant.control.timeline().filter((e) => e.actor === 'app');
    expect(patches.map((e) => featureStatus(e.after, 'displayAppInformation').enabledTarget)).toEqual([DEMO.groups.pilot, ALL_USERS]);
    expect(featureStatus(tenant.control.config(), 'displayAppInformation').enabledTarget).toBe(ALL_USERS);
  });
});
