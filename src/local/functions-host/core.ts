/**
 * Plays `@azure/functions-core`, the module the Functions worker hands to `@azure/functions`. With it answered, every
 * `app.http(...)` / `df.app.*` call registers here with its metadata and wrapped handler instead of being skipped in
 * "test mode", so a local host can serve the very registrations that deploy.
 */

export interface CoreBinding {
  type: string;
  direction: 'in' | 'out' | 'inout';
  name?: string;
  [property: string]: unknown;
}

export interface CoreFunctionMetadata {
  name: string;
  bindings: Record<string, CoreBinding>;
  retryOptions?: unknown;
}

export type CoreHandler = (...args: unknown[]) => unknown;

export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  int?: number;
  double?: number;
  http?: unknown;
}

export interface RpcInvocationResponse {
  invocationId: string;
  outputData?: { name: string; data: unknown }[];
  returnValue?: unknown;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: { inputData: { name: string; data: RpcTypedData }[]; triggerMetadata: Record<string, RpcTypedData> };
  metadata: CoreFunctionMetadata;
  state: string;
  log(level: string, category: string, message: string): void;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: CoreHandler): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
}

export type LogSink = (level: string, category: string, message: string) => void;

export class Disposable {
  constructor(private readonly onDispose: () => void) {}
  dispose(): void {
    this.onDispose();
  }
}

interface Registration {
  metadata: CoreFunctionMetadata;
  handler: CoreHandler;
}

const functions = new Map<string, Registration>();
const hooks = new Map<string, Set<(context: unknown) => unknown>>();
let programmingModel: ProgrammingModel | undefined;
let logSink: LogSink = () => undefined;

export function setProgrammingModel(model: ProgrammingModel): void {
  programmingModel = model;
}

export function getProgrammingModel(): ProgrammingModel {
  if (!programmingModel) throw new Error('No programming model is registered: require "@azure/functions" first.');
  return programmingModel;
}

export function registerFunction(metadata: CoreFunctionMetadata, handler: CoreHandler): Disposable {
  if (functions.has(metadata.name)) throw new Error(`A function named "${metadata.name}" is already registered.`);
  functions.set(metadata.name, { metadata, handler });
  return new Disposable(() => functions.delete(metadata.name));
}

export function registerHook(hookName: string, callback: (context: unknown) => unknown): Disposable {
  const set = hooks.get(hookName) ?? new Set();
  set.add(callback);
  hooks.set(hookName, set);
  return new Disposable(() => set.delete(callback));
}

export function hooksFor(hookName: string): ((context: unknown) => unknown)[] {
  return [...(hooks.get(hookName) ?? [])];
}

export function log(level: string, category: string, message: string): void {
  logSink(level, category, message);
}

/** Where worker and user logs go; silent by default so tests stay quiet. */
export function setLogSink(sink: LogSink): void {
  logSink = sink;
}

export function registration(name: string): Registration | undefined {
  return functions.get(name);
}

export function registrationNames(): string[] {
  return [...functions.keys()];
}
