import { resolve } from 'node:path';
import { DurableStateError } from '../local/durable/errors';
import type { DurableClient } from 'durable-functions';
import type { RolloutStatus } from '../rollout/types';
import { TimelinePrinter } from '../local/timeline';

/**
 * `npm run serve`: the local host in real time. The HTTP triggers under /api on PORT (default 7071), the timer
 * triggers on their schedules, orchestrations on the local durable engine with state in ROLLOUT_STATE_DIR, and Graph at
 * GRAPH_BASE_URL (the emulated tenant, in this process, when unset). Runs until SIGINT or SIGTERM.
 */
export async function serveCommand(out: (line: string) => void, options: { bundle?: string } = {}): Promise<number> {
  const port = Number(process.env.PORT ?? 7071);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`authenticator-rollout: PORT must be a port number, not "${process.env.PORT ?? ''}"\n`);
    return 2;
  }
  const stateDir = resolve(process.env.ROLLOUT_STATE_DIR ?? '.rollout-state');
  const [{ startLocalHost }, { connectGraph }, { configureServices, services }, { startHttpServer }, { startTimerTriggers }] = await Promise.all([
    import('../local/host'),
    import('../local/connect'),
    import('../rollout/services'),
    import('../local/http-server'),
    import('../local/timer-triggers'),
  ]);
  const connection = await connectGraph(process.env);
  configureServices({ env: process.env, graph: connection.graphOptions });
  let host: Awaited<ReturnType<typeof startLocalHost>>;
  try {
    host = await startLocalHost({ clock: 'real', stateDir, ...(options.bundle ? { bundle: options.bundle } : {}), logger: (line) => out(`durable: ${line}`) });
  } catch (error) {
    // A damaged or locked state directory: one line saying which file or which process, then exit, having changed
    // nothing (the emulated tenant this process started would otherwise keep it alive without serving).
    await connection.close();
    if (!(error instanceof DurableStateError)) throw error;
    process.stderr.write(`authenticator-rollout: ${error.message}\n`);
    return 1;
  }
  const server = await startHttpServer(host.registry, { port, log: out });
  const timers = startTimerTriggers(host.registry, host.clock, out);

  out(`authenticator-rollout serve: listening on ${server.url}/api`);
  out(`  API:       ${server.url}/api/rollouts`);
  out(`  webhook:   ${server.url}/api/teams/webhook (Teams outgoing webhook)`);
  out(`  dashboard: ${server.url}/api/dashboard`);
  out(`  console:   authenticator-rollout get <id> --watch --url ${server.url}`);
  out(`  functions: ${host.registry.list().map((f) => f.name).join(', ')}`);
  out(`  timers: ${Object.entries(timers.next()).map(([name, at]) => `${name} next at ${at}`).join('; ') || 'none'}`);
  out(`  Graph: ${connection.where}`);
  if (connection.tenant) out(`  emulated tenant control: ${connection.tenant.url}/_emulator (timeline, faults, incidents, config)`);
  out(`  durable state: ${stateDir}`);
  const progress = await followRollouts(host.client(), out);

  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  out('stopping');
  await progress.stop();
  timers.stop();
  await server.close();
  await host.stop();
  await (await services()).telemetry.flush();
  await connection.close();
  return 0;
}

const PROGRESS_POLL_MS = 1_000;

/**
 * One timeline line per transition of every rollout, prefixed with its id, in the demo's format. Polls the durable
 * client: the same view the API has, and nothing in the engine to hook. What already happened before this serve
 * started (a resumed state directory) is not printed again.
 */
async function followRollouts(client: DurableClient, out: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  const { listRollouts } = await import('../rollout/desk/list');
  const printers = new Map<string, { printer: TimelinePrinter; mute: boolean }>();
  const see = (statuses: RolloutStatus[], first: boolean): void => {
    // Oldest first, so that two rollouts' lines come out in the order they happened.
    for (const status of [...statuses].reverse()) {
      let entry = printers.get(status.id);
      if (!entry) {
        const created: { printer: TimelinePrinter; mute: boolean } = { printer: new TimelinePrinter((line) => created.mute || out(`${status.id}  ${line}`)), mute: first };
        entry = created;
        printers.set(status.id, entry);
      }
      entry.printer.update(status);
      entry.mute = false;
    }
  };
  const poll = async (first: boolean): Promise<void> => {
    try {
      see(await listRollouts(client), first);
    } catch (error) {
      out(`progress: could not read the rollouts: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  await poll(true);
  // One poll at a time: the next is scheduled when the last has finished, however slow the backend is.
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(() => {
      running = poll(false).then(() => (stopped ? undefined : schedule()));
    }, PROGRESS_POLL_MS);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
