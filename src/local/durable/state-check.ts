import { ACTIVE_STATUSES, type RuntimeStatus } from './instance';

/**
 * Shape checks of the records read back at start. A record that fails one is reported with its file rather than
 * loaded half-formed: an instance without its history, or an entity without its queue, would silently lose work.
 * Each returns what is wrong, or undefined.
 */

const STATUSES: readonly RuntimeStatus[] = [...ACTIVE_STATUSES, 'Completed', 'Failed', 'Terminated'];

export function checkInstanceRecord(value: unknown): string | undefined {
  if (!isObject(value)) return 'does not hold an instance record';
  for (const field of ['instanceId', 'name', 'executionId', 'createdTime', 'lastUpdatedTime'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') return `has no ${field}`;
  }
  if (!STATUSES.includes(value.runtimeStatus as RuntimeStatus)) return 'has no valid runtimeStatus';
  if (value.input !== undefined && typeof value.input !== 'string') return 'has an input that is not JSON text';
  for (const field of ['history', 'inbox'] as const) {
    const list = value[field];
    if (!Array.isArray(list)) return `has no ${field}`;
    const bad = list.findIndex((e) => !isObject(e) || typeof e.EventType !== 'number' || typeof e.EventId !== 'number' || typeof e.Timestamp !== 'string');
    if (bad >= 0) return `has a malformed ${field} event at position ${bad}`;
  }
  if (!Array.isArray(value.cancelledTimers) || !value.cancelledTimers.every((n) => typeof n === 'number')) return 'has no cancelledTimers';
  if (value.control !== undefined && (!Array.isArray(value.control) || !value.control.every(isControl))) return 'has a malformed control queue';
  if (value.outbox !== undefined && (!Array.isArray(value.outbox) || !value.outbox.every((m) => isObject(m) && typeof m.target === 'string' && typeof m.requestId === 'string'))) {
    return 'has a malformed entity outbox';
  }
  if (ACTIVE_STATUSES.has(value.runtimeStatus as RuntimeStatus) && (value.history as unknown[]).length === 0 && (value.inbox as unknown[]).length === 0) {
    return 'is an active instance with neither history nor a start event';
  }
  return undefined;
}

export function checkEntityRecord(value: unknown): string | undefined {
  if (!isObject(value)) return 'does not hold an entity record';
  for (const field of ['schedulerId', 'name', 'key', 'lastUpdatedTime'] as const) {
    if (typeof value[field] !== 'string') return `has no ${field}`;
  }
  if (typeof value.exists !== 'boolean') return 'has no exists flag';
  if (value.state !== undefined && typeof value.state !== 'string') return 'has a state that is not JSON text';
  if (!Array.isArray(value.queue) || !value.queue.every((op) => isObject(op) && typeof op.operation === 'string')) return 'has no valid queue';
  if (value.outbox !== undefined && (!Array.isArray(value.outbox) || !value.outbox.every((m) => isObject(m) && (m.kind === 'response' || m.kind === 'signal')))) {
    return 'has a malformed outbox';
  }
  if (value.seen !== undefined && (!Array.isArray(value.seen) || !value.seen.every((id) => typeof id === 'string'))) return 'has a malformed list of seen requests';
  return undefined;
}

function isControl(value: unknown): boolean {
  return isObject(value) && ['terminate', 'suspend', 'resume'].includes(String(value.kind)) && typeof value.reason === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
