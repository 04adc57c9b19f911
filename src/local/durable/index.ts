/**
 * The local durable engine: runs the app's `df.app.*` registrations on the real durable-functions replay engine, with
 * the extension's history, timers (real or virtual clock), persistence and client endpoints.
 */
export { LocalDurableHost, type LocalDurableHostOptions } from './host';
export { RealClock, VirtualClock, type Clock, type TimerHandle } from './clock';
export { DurableHostError, DurableStateError } from './errors';
export { EventType, type HistoryEvent } from './history';
export type { ClientBinding } from './client-server';
export type { InstanceStatus, ListFilter, RuntimeStatus, StatusOptions } from './instance';
export type { ReplayReport } from './replay-check';
