import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RolloutPlan } from '../plan';
import { featureStatus } from '../policy';
import { startRollout } from '../rollout/desk/start';
import { FINAL_STATUSES, type Actor, type RolloutStatus } from '../rollout/types';
import { stamp } from '../rollout/desk/describe';
import { configureServices, services } from '../rollout/services';
import { connectGraph } from './connect';
import { driveRollout } from './drive';
import { startLocalHost } from './host';
import { DEMO } from './tenant';
import { TimelinePrinter } from './timeline';

/**
 * `npm start`: a complete rollout on the local durable host, against the emulated tenant, on a virtual clock that jumps
 * from one durable timer to the next, so days of soak pass in seconds. The approver is simulated and shown as such.
 */

export const SCENARIOS = ['happy', 'health-breach', 'reject'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface DemoOptions {
  scenario: Scenario;
  plan?: RolloutPlan;
  shape?: 'featureSettings' | 'legacy';
  out: (line: string) => void;
  /** Where the durable state lives; a fresh temporary directory when unset. */
  stateDir?: string;
  /** Safety bound on timer jumps. */
  maxSteps?: number;
}

export interface DemoResult {
  /** The scenario behaved as expected (the exit code of `npm start`). */
  ok: boolean;
  status: RolloutStatus;
  patches: number;
  verdict: string;
}

/** Monday 30 November 2026, 08:00 UTC: a working morning, so the story reads naturally. */
export const DEMO_START = new Date('2026-11-30T08:00:00Z');

const OPERATOR: Actor = { name: 'Dana Operator (simulated)', id: '5f0c1c52-0000-4000-8000-00000000d0da', via: 'simulated' };
const APPROVER: Actor = { name: 'Avery Approver (simulated)', id: '5f0c1c52-0000-4000-8000-0000000a9e01', via: 'simulated' };

export function demoPlan(): RolloutPlan {
  return {
    feature: 'displayAppInformation',
    rings: [
      { name: 'pilot', target: DEMO.groups.pilot, soak: 'P1D', approval: true },
      { name: 'early-adopters', target: DEMO.groups.early, soak: 'P2D', approval: true },
      { name: 'everyone', target: 'all_users', soak: 'PT12H', approval: false },
    ],
    approvalTimeout: 'P2D',
    onApprovalTimeout: 'rollback',
    health: { maxFailureRate: 0.05, minSignIns: 10, interval: 'PT3H' },
    rollback: 'default',
  };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { out, scenario } = options;
  const plan = options.plan ?? demoPlan();
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'authenticator-rollout-demo-')));
  const host = await startLocalHost({ clock: { virtualStart: DEMO_START }, stateDir });
  const clock = host.clock;
  const connection = await connectGraph(process.env, { ...(options.shape ? { shape: options.shape } : {}), now: () => clock.now(), virtualTime: true });
  configureServices({ env: process.env, graph: connection.graphOptions });
  const tenant = connection.tenant;
  try {
    out(`authenticator-rollout demo: scenario "${scenario}", feature ${plan.feature}, ${connection.where}`);
    out(`Virtual clock starts ${stamp(DEMO_START.toISOString())} UTC; durable timers jump ahead, so days pass in seconds.`);
    if (scenario === 'health-breach' && tenant) {
      const pilot = plan.rings[0];
      const from = new Date(DEMO_START.getTime() + 2 * 3600_000);
      tenant.control.addIncident({ target: pilot?.target ?? 'all_users', from, to: new Date(from.getTime() + 2 * 86400_000), failureRate: 0.5 });
      out(`Scenario: from ${stamp(from.toISOString())} half of the MFA sign-ins in ring ${pilot?.name ?? '?'} will fail.`);
    }
    out('');

    const client = host.client();
    const started = await startRollout(client, plan, OPERATOR);
    if (started.kind === 'conflict') throw new Error(`rollout ${started.activeRolloutId} is already active for ${plan.feature}`);
    const printer = new TimelinePrinter(out);
    const status = await driveRollout(host, client, started.id, {
      onApproval: () =>
        scenario === 'reject' ? { action: 'reject', actor: APPROVER, reason: 'helpdesk saw confused users in the pilot' } : { action: 'approve', actor: APPROVER },
      onStatus: (s) => printer.update(s),
      ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}),
    });
    if (!FINAL_STATUSES.has(status.status)) throw new Error(`the rollout is ${status.status} and has nothing left to wait for: ${status.message}`);
    return await summarise(options, plan, status, connection);
  } finally {
    // Telemetry leaves in batches; a short-lived process must send what it has before it exits.
    await (await services()).telemetry.flush();
    await host.stop();
    await connection.close();
    if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
  }
}

async function summarise(options: DemoOptions, plan: RolloutPlan, status: RolloutStatus, connection: Awaited<ReturnType<typeof connectGraph>>): Promise<DemoResult> {
  const { out, scenario } = options;
  const config = await connection.graph.readConfig({ feature: plan.feature });
  const live = featureStatus(config, plan.feature);
  const patches = connection.tenant ? connection.tenant.control.timeline().length : 0;
  out('');
  out(`Summary: rollout ${status.id} ended ${status.status}.`);
  out(`  ${status.message}`);
  out(`  Tenant now: ${plan.feature} state ${live.state}, enabled for ${live.enabledTarget ?? 'nobody'}; ${patches} PATCH(es) accepted by the tenant.`);
  for (const warning of status.warnings) out(`  Preflight warning: ${warning}`);

  const expected = scenario === 'happy' ? 'Completed' : 'RolledBack';
  const lastTarget = plan.rings[plan.rings.length - 1]?.target ?? 'all_users';
  const tenantOk = expected === 'Completed' ? live.enabledTarget === lastTarget : live.enabledTarget === null;
  const ok = status.status === expected && tenantOk;
  const verdict = ok
    ? `As expected: ${expected}, and the tenant confirms it.`
    : `NOT as expected: wanted ${expected} with the tenant ${expected === 'Completed' ? `enabled for ${lastTarget}` : 'back to no enabled target'}.`;
  out(`  ${verdict}`);
  return { ok, status, patches, verdict };
}
