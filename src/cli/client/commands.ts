import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { glance, type Glance, type RolloutView } from '../../dashboard/glance';
import { TimelinePrinter } from '../../local/timeline';
import { RolloutApi, DEFAULT_URL } from './api';
import { authHeaders } from './auth';
import { ClientError, EXIT, exitCodeOf } from './errors';
import { renderGlance, renderList } from './render';

/**
 * The client subcommands: list, get, start and the control actions, against a running instance's HTTP API. They
 * share --url (ROLLOUT_URL), --key (ROLLOUT_FUNCTION_KEY) and --app-id (ROLLOUT_APP_ID).
 */

export const CLIENT_COMMANDS = ['list', 'get', 'start', 'approve', 'reject', 'pause', 'resume', 'abort'] as const;
export type ClientCommand = (typeof CLIENT_COMMANDS)[number];

export const CLIENT_USAGE = `  list [--json]                         Active and recent rollouts of a running instance, newest first.
  get <id> [--watch] [--json] [--interval SECONDS]
        The rollout at a glance: rings, soak, health trend, approval, last transitions. --watch follows it to its end
        and exits 0 Completed, 3 RolledBack, 4 Failed.
  start <plan.json> [--watch] [--json]  Start a rollout from a plan file.
  approve|reject|pause|resume|abort <id> [--ring R] [--reason TEXT]
        Steer a rollout. --ring refuses to act unless the rollout is at that ring.
  Client options: --url (ROLLOUT_URL, default ${DEFAULT_URL}), --key (ROLLOUT_FUNCTION_KEY),
        --app-id (ROLLOUT_APP_ID: a bearer token for api://<app-id>/.default from the Azure CLI, else a device code).`;

export interface ClientIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Raw output for redrawing in place. */
  write: (text: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export function isClientCommand(command: string | undefined): command is ClientCommand {
  return (CLIENT_COMMANDS as readonly string[]).includes(command ?? '');
}

export async function clientCommand(command: ClientCommand, args: string[], io: ClientIo): Promise<number> {
  try {
    return await run(command, args, io);
  } catch (error) {
    if (error instanceof ClientError) {
      io.err(`authenticator-rollout ${command}: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}

async function run(command: ClientCommand, args: string[], io: ClientIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      'app-id': { type: 'string' },
      json: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      interval: { type: 'string' },
      ring: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  const key = values.key ?? io.env.ROLLOUT_FUNCTION_KEY;
  const appId = values['app-id'] ?? io.env.ROLLOUT_APP_ID;
  const api = new RolloutApi(values.url ?? io.env.ROLLOUT_URL ?? DEFAULT_URL, authHeaders({ ...(key ? { key } : {}), ...(appId ? { appId } : {}), prompt: io.err }));
  const interval = Number(values.interval ?? 2);
  if (!Number.isFinite(interval) || interval < 0.1 || interval > 600) throw new ClientError('--interval must be a number of seconds between 0.1 and 600', EXIT.usage);
  const one = (what: string): string => {
    const [value, ...more] = positionals;
    if (!value || more.length > 0) throw new ClientError(`${command} takes exactly one ${what}`, EXIT.usage);
    return value;
  };

  switch (command) {
    case 'list': {
      if (positionals.length > 0) throw new ClientError('list takes no arguments', EXIT.usage);
      const now = new Date();
      const rollouts = (await api.list()).map((v) => glance(v, now));
      if (values.json) io.out(JSON.stringify({ rollouts: rollouts.map(listEntry) }, null, 2));
      else renderList(rollouts).forEach((line) => io.out(line));
      return EXIT.ok;
    }
    case 'get': {
      const id = one('rollout id').toLowerCase();
      if (values.watch) return watch(api, id, io, { json: values.json, intervalMs: interval * 1000 });
      const g = glance(await api.get(id), new Date());
      if (values.json) io.out(JSON.stringify(g, null, 2));
      else renderGlance(g).forEach((line) => io.out(line));
      return EXIT.ok;
    }
    case 'start': {
      const file = one('plan file');
      const plan = await readPlan(file);
      const started = await api.start(plan);
      if (values.json && !values.watch) {
        io.out(JSON.stringify({ id: started.id, status: started.rollout?.status ?? null, message: started.rollout?.message ?? null }, null, 2));
        return EXIT.ok;
      }
      io.out(`Started rollout ${started.id}${started.rollout ? ` (${started.rollout.feature}): ${started.rollout.message}` : ''}`);
      if (values.watch) return watch(api, started.id, io, { json: values.json, intervalMs: interval * 1000 });
      io.out(`Follow it with: authenticator-rollout get ${started.id} --watch`);
      return EXIT.ok;
    }
    default: {
      const id = one('rollout id').toLowerCase();
      if (values.ring !== undefined) {
        const view = await api.get(id);
        if (view.currentRing !== values.ring) {
          throw new ClientError(`rollout ${id} is at ring ${view.currentRing ?? 'none'} (${view.status}), not ${values.ring}; nothing was sent`, EXIT.conflict);
        }
      }
      const body: { reason?: string; ring?: string } = {};
      if (values.reason !== undefined) body.reason = values.reason;
      if (values.ring !== undefined) body.ring = values.ring;
      io.out(await api.control(id, command, body));
      return EXIT.ok;
    }
  }
}

/** The stable `list --json` entry (documented in the README). */
function listEntry(g: Glance): Record<string, unknown> {
  return {
    id: g.id,
    feature: g.feature,
    status: g.status,
    final: g.final,
    liveRing: g.rings.find((r) => r.state === 'live')?.name ?? null,
    message: g.message,
    startedBy: g.startedBy,
    startedAt: g.startedAt,
    updatedAt: g.updatedAt,
    approvalDeadline: g.approval?.deadline ?? null,
  };
}

async function readPlan(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ClientError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, EXIT.usage);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ClientError(`${file} is not JSON: ${(error as Error).message}`, EXIT.usage);
  }
}

/**
 * Follows a rollout to its end. On a terminal it redraws the tree in place; otherwise it prints the tree once, then one
 * timeline line per change (the demo's format), then the tree at the end. --json prints one glance per change instead.
 */
async function watch(api: RolloutApi, id: string, io: ClientIo, options: { json: boolean; intervalMs: number }): Promise<number> {
  const tty = io.isTTY && !options.json;
  const lines = !tty && !options.json;
  let primed = false;
  const printer = new TimelinePrinter((line) => primed && lines && io.out(line));
  let last = '';
  for (;;) {
    const view: RolloutView = await api.get(id);
    const g = glance(view, new Date());
    if (tty) {
      io.write(`\x1b[H\x1b[2J${renderGlance(g).join('\n')}\n`);
    } else if (options.json) {
      const { soak: _moving, approval: _counting, ...steady } = g;
      const key = JSON.stringify(steady);
      if (key !== last) io.out(JSON.stringify(g));
      last = key;
    } else if (!primed) {
      // The tree already shows the last transitions: the timeline starts after them.
      renderGlance(g).forEach((line) => io.out(line));
      io.out('');
    }
    printer.update(view);
    primed = true;
    if (g.final) {
      if (lines) {
        io.out('');
        renderGlance(g).forEach((line) => io.out(line));
      }
      if (!options.json) io.out(`Rollout ${g.id} ended ${g.status}.`);
      return exitCodeOf(g.status);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
