/**
 * Push-attempt counts: a handful of numbers that add up. Every health window adds its own counts to the running
 * totals kept in the orchestration, so totals must stay small, plain JSON and associative (window order is free).
 */

export const FAILURE_REASONS = ['declined', 'noResponse', 'wrongNumber', 'fraud', 'other'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface PushTotals {
  /** Authenticator push attempts with an outcome (interrupts and other methods excluded). */
  attempts: number;
  /** Attempts that failed; always the sum of `reasons`. */
  failures: number;
  reasons: Record<FailureReason, number>;
}

export function emptyTotals(): PushTotals {
  return { attempts: 0, failures: 0, reasons: { declined: 0, noResponse: 0, wrongNumber: 0, fraud: 0, other: 0 } };
}

export function addTotals(a: PushTotals, b: PushTotals): PushTotals {
  const reasons = emptyTotals().reasons;
  for (const reason of FAILURE_REASONS) reasons[reason] = a.reasons[reason] + b.reasons[reason];
  return { attempts: a.attempts + b.attempts, failures: a.failures + b.failures, reasons };
}

/** What was added between `start` and `now` (both running totals of the same stream). */
export function totalsSince(now: PushTotals, start: PushTotals): PushTotals {
  const reasons = emptyTotals().reasons;
  for (const reason of FAILURE_REASONS) reasons[reason] = now.reasons[reason] - start.reasons[reason];
  return { attempts: now.attempts - start.attempts, failures: now.failures - start.failures, reasons };
}

/** One attempt's outcome as totals: `null` is a success. */
export function totalsOfOutcome(reason: FailureReason | null): PushTotals {
  const totals = emptyTotals();
  totals.attempts = 1;
  if (reason !== null) {
    totals.failures = 1;
    totals.reasons[reason] = 1;
  }
  return totals;
}

export function failureRate(totals: PushTotals): number {
  return totals.attempts === 0 ? 0 : totals.failures / totals.attempts;
}
