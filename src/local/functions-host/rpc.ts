import type { RpcTypedData } from './core';

/** A value as the worker sends it over RPC: JSON for objects, the string itself for strings, numbers as numbers. */
export function toRpcData(value: unknown): RpcTypedData {
  if (typeof value === 'string') return { string: value };
  if (Buffer.isBuffer(value)) return { bytes: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { int: value } : { double: value };
  return { json: JSON.stringify(value) };
}

/** The reverse, for a function's return value as `@azure/functions` converts it (`toRpcTypedData`). */
export function fromRpcData(data: unknown): unknown {
  if (data === null || data === undefined || typeof data !== 'object') return data;
  const typed = data as RpcTypedData;
  if (typed.json !== undefined) return JSON.parse(typed.json) as unknown;
  if (typed.string !== undefined) return typed.string;
  if (typed.int !== undefined) return typed.int;
  if (typed.double !== undefined) return typed.double;
  if (typed.bytes !== undefined) return Buffer.from(typed.bytes);
  if (typed.http !== undefined) return typed.http;
  return undefined;
}
