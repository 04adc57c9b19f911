import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DurableClient } from 'durable-functions';
import { installFunctionsCore } from './functions-host/install';
import type { FunctionRegistry } from './functions-host/registry';
import type { Clock, LocalDurableHost } from './durable';

/**
 * The local host: the app's own `functions/` registrations (or the deployment bundle), the local durable engine and a
 * clock. What `npm start`, `npm run serve` and the tests run.
 */

export interface LocalHostOptions {
  /** 'real' for `serve`; a virtual clock that starts at this instant for the demo and tests. */
  clock: 'real' | { virtualStart: Date };
  /** Persist durable state here (resumes what a previous host left running). */
  stateDir?: string;
  /** The compiled functions folder (default: dist/functions next to this file). Ignored with `bundle`. */
  functionsDir?: string;
  /** A deployment bundle (build/functions.js) to load instead of the separate function files. */
  bundle?: string;
  logger?: (line: string) => void;
}

export interface LocalHost {
  clock: Clock & { now(): Date };
  registry: FunctionRegistry;
  durable: LocalDurableHost;
  clientBinding(): unknown;
  /** The real DurableClient bound to this host. */
  client(): DurableClient;
  idle(): Promise<void>;
  /** Virtual clock only: jump to the next durable timer, fire it and wait until the host is idle. */
  advanceToNextTimer(): Promise<Date | null>;
  stop(): Promise<void>;
}

export const DEFAULT_FUNCTIONS_DIR = resolve(__dirname, '../../functions');

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  installFunctionsCore();
  // Loaded after the core is installed: @azure/functions looks it up once, when first required.
  const [{ loadFunctionApp }, { LocalDurableHost: Host, RealClock, VirtualClock }, { durableClientFor }] = await Promise.all([
    import('./functions-host/registry'),
    import('./durable'),
    import('./durable-client'),
  ]);
  const registry = loadFunctionApp(options.bundle ? [resolve(options.bundle)] : functionModules(options.functionsDir ?? DEFAULT_FUNCTIONS_DIR));
  const clock = options.clock === 'real' ? new RealClock() : new VirtualClock(options.clock.virtualStart);
  const durable = new Host({ registry, clock, ...(options.stateDir ? { stateDir: options.stateDir } : {}), ...(options.logger ? { logger: options.logger } : {}) });
  await durable.start();
  let client: DurableClient | undefined;
  return {
    clock,
    registry,
    durable,
    clientBinding: () => durable.clientBinding(),
    client: () => (client ??= durableClientFor(durable.clientBinding())),
    idle: () => durable.idle(),
    advanceToNextTimer: () => durable.advanceToNextTimer(),
    stop: () => durable.stop(),
  };
}

/** Every compiled function file; the bundle entry (index.js) only re-imports them. */
function functionModules(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.js') && file !== 'index.js')
    .sort()
    .map((file) => join(dir, file));
}
