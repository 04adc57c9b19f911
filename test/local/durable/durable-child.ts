/**
 * A host process for the kill -9 tests: opens a persisted host on the directory given, prints the client endpoint
 * base URL and waits to be killed. Everything else is driven over HTTP, as the durable client does.
 */
import { installFunctionsCore } from '../../../src/local/functions-host/install';

installFunctionsCore();

async function main(): Promise<void> {
  const { LocalDurableHost, RealClock } = await import('../../../src/local/durable');
  const { loadFunctionApp } = await import('../../../src/local/functions-host/registry');
  const { FIXTURE_MODULES } = await import('../../fixtures/durable-app');
  const host = new LocalDurableHost({ registry: loadFunctionApp(FIXTURE_MODULES), clock: new RealClock(), stateDir: process.argv[2] ?? '' });
  await host.start();
  process.stdout.write(`ready ${host.clientBinding().rpcBaseUrl}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
