import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import type { DurableClient } from 'durable-functions';
import { featureStatus, type FeatureStatus } from '../../src/policy';
import type { Feature } from '../../src/policy/types';
import type { RolloutPlan } from '../../src/plan';
import { controlRollout, type ControlAction } from '../../src/rollout/desk/control';
import { rolloutStatusOf, tryGetStatus } from '../../src/rollout/desk/describe';
import { startRollout } from '../../src/rollout/desk/start';
import { configureServices } from '../../src/rollout/services';
import type { Actor, RolloutStatus } from '../../src/rollout/types';
import { driveRollout } from '../../src/local/drive';
import { emulatedGraphOptions, UNPACED_REPORTS } from '../../src/local/connect';
import { startLocalHost, type LocalHost } from '../../src/local/host';
import { DEMO, startEmulatedTenant, type EmulatedTenant, type TenantOptions } from '../../src/local/tenant';

/**
 * A rollout rehearsal for tests: the emulated tenant, the local durable host running the compiled `functions/` on a
 * virtual clock, and the real DurableClient. Nothing is mocked; time jumps from one durable timer to the next.
 */

export const START = new Date('2026-11-30T08:00:00Z');
export const OPERATOR: Actor = { name: 'Dana Operator', id: 'd0d0d0d0-0000-4000-8000-000000000001', via: 'api' };
export const APPROVER: Actor = { name: 'Avery Approver', id: 'a0a0a0a0-0000-4000-8000-000000000002', via: 'api' };

export interface Harness {
  tenant: EmulatedTenant;
  host: LocalHost;
  client: DurableClient;
  stateDir: string;
  start(plan: RolloutPlan, actor?: Actor): Promise<string>;
  status(id: string): Promise<RolloutStatus>;
  /** Advances time until `until` holds, the rollout ends, or nothing is left to wait for. Bounded by `maxSteps`. */
  drive(id: string, options?: DriveOptions): Promise<RolloutStatus>;
  control(id: string, action: ControlAction, actor?: Actor, reason?: string): ReturnType<typeof controlRollout>;
  live(feature: Feature): Promise<FeatureStatus>;
  now(): Date;
  close(): Promise<void>;
}

export interface DriveOptions {
  until?: (status: RolloutStatus) => boolean;
  /** What the approver does at each checkpoint; 'wait' lets time pass (timeouts). Default approve. */
  onApproval?: (status: RolloutStatus) => ControlAction | 'wait';
  maxSteps?: number;
}

export interface HarnessOptions {
  /** Where the virtual clock starts (default START). */
  start?: Date;
  shape?: TenantOptions['shape'];
  stateDir?: string;
  tenant?: EmulatedTenant;
  tenantOptions?: Omit<TenantOptions, 'now' | 'shape'>;
  /** Holds Graph requests while closed: the boundary where a test stops an activity mid-flight. */
  gate?: GraphGate;
}

/**
 * A gate in front of the Graph credential: while closed, every Graph request of every activity waits at its token, so
 * a test can raise an event while a preflight, swap or health check is in flight and then let it finish.
 */
export class GraphGate {
  private closed: { reached: () => void; opened: Promise<void>; open: () => void } | undefined;
  private reachedPromise: Promise<void> = Promise.resolve();

  /** Closes the gate; the promise resolves when the first request is waiting at it. */
  close(): Promise<void> {
    let reached!: () => void;
    let open!: () => void;
    this.reachedPromise = new Promise((resolve) => (reached = resolve));
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.closed = { reached, opened, open };
    return this.reachedPromise;
  }

  open(): void {
    this.closed?.open();
    this.closed = undefined;
  }

  wrap(credential: TokenCredential): TokenCredential {
    return {
      getToken: async (scopes, options) => {
        const closed = this.closed;
        if (closed) {
          closed.reached();
          await closed.opened;
        }
        return credential.getToken(scopes, options);
      },
    };
  }
}

export const FUNCTIONS_DIR = resolve(__dirname, '../../functions');

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'rollout-test-')));
  const host = await startLocalHost({ clock: { virtualStart: options.start ?? START }, stateDir, functionsDir: FUNCTIONS_DIR });
  const tenant =
    options.tenant ??
    (await startEmulatedTenant({ shape: options.shape ?? 'featureSettings', now: () => host.clock.now(), reportsThrottle: false, ...options.tenantOptions }));
  const graph = emulatedGraphOptions(tenant);
  if (options.gate && graph.credential) graph.credential = options.gate.wrap(graph.credential);
  configureServices({ env: process.env, graph: { ...graph, ...UNPACED_REPORTS } });
  const client = host.client();

  const status = async (id: string): Promise<RolloutStatus> => {
    const instance = await tryGetStatus(client, id);
    const s = instance && rolloutStatusOf(instance);
    if (!s) throw new Error(`rollout ${id} has no status`);
    return s;
  };

  return {
    tenant,
    host,
    client,
    stateDir,
    async start(plan, actor = OPERATOR) {
      const started = await startRollout(client, plan, actor, { lockWaitMs: 10_000, pollMs: 10 });
      if (started.kind !== 'started') throw new Error(`refused: ${started.activeRolloutId} is active`);
      return started.id;
    },
    status,
    drive: (id, driveOptions = {}) =>
      driveRollout(host, client, id, {
        onApproval: (current) => {
          const action = driveOptions.onApproval?.(current) ?? 'approve';
          if (action === 'wait') return 'wait';
          return action === 'reject' ? { action, actor: APPROVER, reason: 'not ready' } : { action, actor: APPROVER };
        },
        ...(driveOptions.until ? { until: driveOptions.until } : {}),
        maxSteps: driveOptions.maxSteps ?? 500,
      }),
    control: (id, action, actor = APPROVER, reason) => controlRollout(client, id, action, actor, reason),
    async live(feature) {
      return featureStatus(tenant.control.config(), feature);
    },
    now: () => host.clock.now(),
    async close() {
      await host.stop();
      if (!options.tenant) await tenant.close();
      if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export function plan(overrides: Partial<RolloutPlan> = {}): RolloutPlan {
  return {
    feature: 'displayAppInformation',
    rings: [
      { name: 'pilot', target: DEMO.groups.pilot, soak: 'P1D', approval: true },
      { name: 'early', target: DEMO.groups.early, soak: 'P1D', approval: true },
      { name: 'everyone', target: 'all_users', soak: 'PT6H', approval: false },
    ],
    approvalTimeout: 'P2D',
    onApprovalTimeout: 'rollback',
    health: { maxFailureRate: 0.05, minSignIns: 10, interval: 'PT3H' },
    rollback: 'default',
    ...overrides,
  };
}
