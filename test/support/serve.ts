import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO } from '../../src/local/tenant';
import { childEnv, CLI } from './cli';

/** `serve` in a child process on a free port, with soaks of seconds, for the black-box tests. */

export interface ServeChild {
  /** http://127.0.0.1:port (the CLI's --url). */
  url: string;
  /** The emulated tenant's base URL (its control routes are under /_emulator). */
  tenant: string;
  output(): string;
  /** Ends the process with `signal` (SIGKILL: as a crash), keeping the state directory. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Ends it and removes the state directory, unless the caller gave one. */
  stop(): Promise<void>;
}

export async function startServe(settings: Record<string, string> = {}, options: { stateDir?: string } = {}): Promise<ServeChild> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'serve-child-')));
  const env = childEnv({ PORT: '0', ROLLOUT_STATE_DIR: stateDir, ROLLOUT_MIN_SOAK: 'PT1S', ROLLOUT_SIGNIN_LAG: 'PT0S', ROLLOUT_STATUS_SCHEDULE: '0 0 0 1 1 *', ...settings });
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null && !/durable state:/.test(output)) await new Promise((r) => setTimeout(r, 100));
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(output)?.[1];
  const tenant = /emulated tenant control: (http:\/\/127\.0\.0\.1:\d+)\/_emulator/.exec(output)?.[1] ?? '';
  if (!url) {
    child.kill('SIGTERM');
    throw new Error(`serve did not start:\n${output}`);
  }
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return {
    url,
    tenant,
    output: () => output,
    kill,
    async stop() {
      await kill('SIGTERM');
      if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** A plan of two rings: the pilot with a checkpoint, then everyone. */
export function twoRingPlan(feature: string, pilotSoak = 'PT2S'): Record<string, unknown> {
  return {
    feature,
    rings: [
      { name: 'pilot', target: DEMO.groups.pilot, soak: pilotSoak, approval: true },
      { name: 'everyone', target: 'all_users', soak: 'PT1S' },
    ],
    approvalTimeout: 'P1D',
    health: { maxFailureRate: 0.05, minSignIns: 5, interval: 'PT1M' },
  };
}

/** The header App Service Authentication adds for a signed-in caller. */
export function principal(objectId: string, name: string, roles: string[]): string {
  const claims = [
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: objectId },
    { typ: 'name', val: name },
    ...roles.map((val) => ({ typ: 'roles', val })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString('base64');
}

/** Polls GET /api/rollouts/{id} until `predicate` holds (bounded: 200 polls, 60 s). */
export async function waitForRollout(url: string, id: string, predicate: (r: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  let last: Record<string, unknown> = {};
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    last = (await (await fetch(`${url}/api/rollouts/${id}`)).json()) as Record<string, unknown>;
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`rollout ${id} never matched; last: ${JSON.stringify(last).slice(0, 400)}`);
}
