import Module from 'node:module';
import { join } from 'node:path';

const CORE_MODULE = '@azure/functions-core';
const CORE_PATH = join(__dirname, 'core.js');

interface ResolvingModule {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

let installed = false;

/**
 * Makes `require('@azure/functions-core')` resolve to the local core, as the worker does. Must run before
 * `@azure/functions` is first required: that package looks the core up once and caches the answer.
 */
export function installFunctionsCore(): void {
  if (installed) return;
  const resolving = Module as unknown as ResolvingModule;
  const original = resolving._resolveFilename.bind(Module);
  resolving._resolveFilename = (request: string, ...rest: unknown[]): string =>
    request === CORE_MODULE ? CORE_PATH : original(request, ...rest);
  installed = true;
}
