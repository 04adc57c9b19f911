/**
 * A host process for the SIGKILL test: starts a two-day sleep on a persisted host, reports the instance id once the
 * timer is armed and saved, then waits to be killed.
 */
import { installFunctionsCore } from '../../../src/local/functions-host/install';

installFunctionsCore();

async function main(): Promise<void> {
  const { LocalDurableHost, VirtualClock } = await import('../../../src/local/durable');
  const { loadFunctionApp } = await import('../../../src/local/functions-host/registry');
  const { FIXTURE_MODULES } = await import('../../fixtures/durable-app');
  const stateDir = process.argv[2] ?? '';
  const host = new LocalDurableHost({ registry: loadFunctionApp(FIXTURE_MODULES), clock: new VirtualClock(new Date('2026-11-30T08:00:00.000Z')), stateDir });
  await host.start();
  const id = await host.startNew('Sleep', { input: { ms: 2 * 86_400_000 } });
  await host.idle();
  process.stdout.write(`waiting ${id}\n`);
  setInterval(() => undefined, 60_000);
}

void main();
