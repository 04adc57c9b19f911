import { checkDuration, formatSeconds } from '../plan/duration';

/** How cards write durations, dates, rates and counts. */

export { formatSeconds };

export function soakText(duration: string): string {
  const checked = checkDuration(duration);
  return checked.ok ? `${formatSeconds(checked.seconds)} (${duration})` : duration;
}

/** Dates in UTC, to the minute: people in several time zones read the same card. */
export function when(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export { percent } from '../format';

export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
