import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { InvocationContext } from '@azure/functions';
import { loadFunctionApp, type FunctionRegistry } from '../../../src/local/functions-host/registry';
import { LocalDurableHost, VirtualClock, type Clock } from '../../../src/local/durable';
import { FIXTURE_MODULES } from '../../fixtures/durable-app';

export const START = new Date('2026-11-30T08:00:00.000Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

let registry: FunctionRegistry | undefined;

/** The fixture app, loaded once per test file (jest gives every file its own module registry). */
export function fixtureRegistry(): FunctionRegistry {
  registry ??= loadFunctionApp(FIXTURE_MODULES);
  return registry;
}

export interface Harness {
  host: LocalDurableHost;
  clock: VirtualClock;
  client: DurableClient;
}

export async function startHost(options: { stateDir?: string; clock?: Clock; listPageSize?: number } = {}): Promise<Harness> {
  const clock = new VirtualClock(START);
  const host = new LocalDurableHost({ registry: fixtureRegistry(), clock: options.clock ?? clock, ...options });
  await host.start();
  return { host, clock, client: clientFor(host) };
}

/** The real durable-functions client, fed the host's durableClient binding as a function invocation would be. */
export function clientFor(host: LocalDurableHost): DurableClient {
  const input = df.input.durableClient();
  const context = new InvocationContext({ functionName: 'test-driver', options: { extraInputs: [input] } });
  context.extraInputs.set(input, host.clientBinding());
  return df.getClient(context);
}

/** Advances the virtual clock timer by timer until the instance is no longer running (bounded). */
export async function runToEnd(host: LocalDurableHost, instanceId: string, maxSteps = 50): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    await host.idle();
    const status = host.getStatus(instanceId)?.runtimeStatus;
    if (status !== 'Running' && status !== 'Pending') return;
    if (!(await host.advanceToNextTimer())) return;
  }
  throw new Error(`instance ${instanceId} still running after ${maxSteps} timer steps`);
}
