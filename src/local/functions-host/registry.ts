import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import * as core from './core';
import type { CoreBinding, CoreFunctionMetadata, CoreInvocationContext, RpcTypedData } from './core';
import { fromRpcHttpResponse, toRpcHttpTrigger, type LocalHttpRequest, type LocalHttpResponse } from './http';
import { fromRpcData, toRpcData } from './rpc';

export interface InvokeOptions {
  /** Trigger metadata as plain values (sent as RPC typed data). */
  triggerMetadata?: Record<string, unknown>;
  /** Values for extra input bindings, by binding name. */
  extraInputs?: Record<string, unknown>;
}

export interface RegisteredFunction {
  name: string;
  metadata: CoreFunctionMetadata;
  /** The trigger binding's type, e.g. `httpTrigger`, `orchestrationTrigger`, `activityTrigger`, `entityTrigger`. */
  triggerType: string;
  /**
   * Runs the function exactly as the worker does: the programming model's invocation model converts the RPC input,
   * calls the handler and converts the return value. Returns that value decoded from RPC (for HTTP functions the
   * RPC http response object).
   */
  invoke(triggerValue: unknown, opts?: InvokeOptions): Promise<unknown>;
}

/** Supplies the value of an input binding type the worker would get from the host (e.g. `durableClient`). */
export type InputProvider = () => unknown;

export class FunctionRegistry {
  private readonly providers = new Map<string, InputProvider>();

  list(): RegisteredFunction[] {
    return core.registrationNames().map((name) => this.get(name));
  }

  has(name: string): boolean {
    return core.registration(name) !== undefined;
  }

  get(name: string): RegisteredFunction {
    const found = core.registration(name);
    if (!found) throw new Error(`No function named "${name}" is registered.`);
    const { metadata, handler } = found;
    const [triggerName, trigger] = triggerBinding(metadata);
    return {
      name,
      metadata,
      triggerType: trigger.type,
      invoke: async (triggerValue, opts = {}) => {
        const inputData = [{ name: triggerName, data: triggerData(trigger.type, triggerValue) }];
        for (const [bindingName, binding] of Object.entries(metadata.bindings)) {
          if (bindingName === triggerName || binding.direction !== 'in') continue;
          const value = opts.extraInputs?.[bindingName] ?? this.providers.get(binding.type)?.();
          if (value !== undefined) inputData.push({ name: bindingName, data: toRpcData(value) });
        }
        const coreCtx: CoreInvocationContext = {
          invocationId: randomUUID(),
          request: { inputData, triggerMetadata: rpcMetadata(opts.triggerMetadata) },
          metadata,
          state: 'invocation',
          log: (level, category, message) => core.log(level, category, message),
        };
        const model = core.getProgrammingModel().getInvocationModel(coreCtx);
        const { context, inputs } = await model.getArguments();
        const result = await model.invokeFunction(context, inputs, handler);
        const response = await model.getResponse(context, result);
        return fromRpcData(response.returnValue);
      },
    };
  }

  /** Invokes an HTTP-triggered function and returns its response as status, headers and body bytes. */
  async invokeHttp(name: string, request: LocalHttpRequest): Promise<LocalHttpResponse> {
    const fn = this.get(name);
    if (fn.triggerType.toLowerCase() !== 'httptrigger') throw new Error(`Function "${name}" is not HTTP-triggered.`);
    return fromRpcHttpResponse(await fn.invoke(toRpcHttpTrigger(request)));
  }

  provideInput(bindingType: string, provider: InputProvider): void {
    this.providers.set(bindingType, provider);
  }
}

/**
 * Requires the given modules (compiled `functions/*.js`), whose `app.*` calls register with the local core, and
 * returns the registry of everything registered so far in this process.
 */
export function loadFunctionApp(modulePaths: string[]): FunctionRegistry {
  const load = createRequire(__filename);
  for (const path of modulePaths) load(path);
  return new FunctionRegistry();
}

function triggerBinding(metadata: CoreFunctionMetadata): [string, CoreBinding] {
  const found = Object.entries(metadata.bindings).find(([, b]) => /trigger$/i.test(b.type));
  if (!found) throw new Error(`Function "${metadata.name}" has no trigger binding.`);
  return found;
}

/** Durable triggers arrive as JSON (a string input stays a string, unlike `{ string }` which is JSON-sniffed). */
function triggerData(type: string, value: unknown): RpcTypedData {
  if (type.toLowerCase() === 'httptrigger') return { http: value };
  return value === undefined ? {} : { json: JSON.stringify(value) };
}

function rpcMetadata(metadata: Record<string, unknown> | undefined): Record<string, RpcTypedData> {
  return Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, toRpcData(v)]));
}
