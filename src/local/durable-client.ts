import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';

/**
 * The real durable-functions client for code that runs outside a function invocation (the demo, tests): the same
 * `df.getClient` the HTTP functions use, fed the durableClient binding of the local durable host.
 */
export function durableClientFor(binding: unknown): DurableClient {
  const input = df.input.durableClient();
  const context = new InvocationContext({ functionName: 'local-driver', options: { extraInputs: [input] } });
  context.extraInputs.set(input, binding);
  return df.getClient(context);
}
