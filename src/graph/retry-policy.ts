import { GraphConfigError } from './errors';
import type { RetryOptions } from './types';

/** Statuses Graph documents as transient: throttled, service unavailable, gateway timeout. */
export const RETRYABLE_STATUSES: readonly number[] = [429, 503, 504];

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterSeconds: 120,
  timeoutAttempts: 2,
};

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = { ...DEFAULT_RETRY, ...options };
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1) {
    throw new GraphConfigError('retry.maxAttempts', `retry.maxAttempts must be a whole number of at least 1; got ${resolved.maxAttempts}.`);
  }
  if (!Number.isInteger(resolved.timeoutAttempts) || resolved.timeoutAttempts < 1) {
    throw new GraphConfigError('retry.timeoutAttempts', `retry.timeoutAttempts must be a whole number of at least 1; got ${resolved.timeoutAttempts}.`);
  }
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterSeconds'] as const) {
    if (!(resolved[key] >= 0)) throw new GraphConfigError(`retry.${key}`, `retry.${key} must be a number of at least 0; got ${resolved[key]}.`);
  }
  return resolved;
}

/**
 * Retry-After as milliseconds from `nowMs`: delay-seconds or an HTTP-date. undefined when absent or unreadable, so
 * the caller falls back to its own backoff.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Exponential backoff with jitter in its upper half, so concurrent callers do not retry in lockstep. */
export function backoffMs(retry: number, options: ResolvedRetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
