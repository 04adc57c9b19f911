import { resolve } from 'node:path';
import { DurableStateError } from '../local/durable/errors';

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
  out(`  functions: ${host.registry.list().map((f) => f.name).join(', ')}`);
  out(`  timers: ${Object.entries(timers.next()).map(([name, at]) => `${name} next at ${at}`).join('; ') || 'none'}`);
  out(`  Graph: ${connection.where}`);
  if (connection.tenant) out(`  emulated tenant control: ${connection.tenant.url}/_emulator (timeline, faults, incidents, config)`);
  out(`  durable state: ${stateDir}`);

  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  out('stopping');
  timers.stop();
  await server.close();
  await host.stop();
  await (await services()).telemetry.flush();
  await connection.close();
  return 0;
}
