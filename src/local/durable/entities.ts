import type { RegisteredFunction } from '../functions-host/registry';
import { isRecord } from './actions';
import type { EntityOperation, EntityRecord } from './instance';

/** An entity id in its scheduler form, `@name@key` with the name lower-cased (as `EntityId.getSchedulerIdFromEntityId`). */
export function schedulerIdOf(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseSchedulerId(schedulerId: string): { name: string; key: string } {
  const at = schedulerId.indexOf('@', 1);
  if (!schedulerId.startsWith('@') || at < 0) throw new Error(`"${schedulerId}" is not an entity id.`);
  return { name: schedulerId.slice(1, at), key: schedulerId.slice(at + 1) };
}

export interface EntityResponse {
  caller: { instanceId: string; requestId: string };
  /** The response message the legacy entity protocol delivers as an EventRaised named after the request id. */
  message: { result?: string; exceptionType?: string };
}

export interface EntitySignal {
  target: string;
  operation: string;
  input: string | undefined;
}

export interface BatchOutcome {
  responses: EntityResponse[];
  signals: EntitySignal[];
}

/** Runs one batch of operations through the entity function (the real `df.app.entity` handler) and applies its state. */
export async function runEntityBatch(fn: RegisteredFunction | undefined, record: EntityRecord, batch: EntityOperation[]): Promise<BatchOutcome> {
  if (!fn) return failAll(batch, `No entity function named "${record.name}" is registered.`);
  let value: unknown;
  try {
    value = await fn.invoke({
      self: { name: record.name, key: record.key },
      exists: record.exists,
      state: record.state,
      batch: batch.map((op) => ({ name: op.operation, input: op.input, ...(op.caller ? { id: op.caller.requestId } : {}), isSignal: !op.caller })),
    });
  } catch (error) {
    return failAll(batch, error instanceof Error ? error.message : String(error));
  }
  if (!isRecord(value) || !Array.isArray(value.results)) return failAll(batch, `Entity "${record.name}" returned no results.`);
  record.exists = value.entityExists === true;
  record.state = record.exists && typeof value.entityState === 'string' ? value.entityState : undefined;
  const results = value.results as unknown[];
  const responses: EntityResponse[] = [];
  batch.forEach((op, i) => {
    if (!op.caller) return;
    const r = results[i];
    const failed = isRecord(r) && r.isError === true;
    const result = isRecord(r) && typeof r.result === 'string' ? r.result : undefined;
    responses.push({ caller: op.caller, message: failed ? { exceptionType: 'Error', ...(result !== undefined ? { result } : {}) } : result !== undefined ? { result } : {} });
  });
  const signals = (Array.isArray(value.signals) ? (value.signals as unknown[]) : []).filter(isRecord).map((s) => {
    const target = isRecord(s.target) ? s.target : {};
    return {
      target: schedulerIdOf(String(target.name), String(target.key)),
      operation: String(s.name),
      input: typeof s.input === 'string' && s.input !== '' ? s.input : undefined,
    };
  });
  return { responses, signals };
}

function failAll(batch: EntityOperation[], reason: string): BatchOutcome {
  const responses = batch.flatMap((op) => (op.caller ? [{ caller: op.caller, message: { exceptionType: 'Error', result: JSON.stringify(reason) } }] : []));
  return { responses, signals: [] };
}
