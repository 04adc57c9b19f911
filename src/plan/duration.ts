import { parse, toSeconds } from 'iso8601-duration';

/**
 * ISO 8601 durations as the plan writes them (`P1D`, `PT15M`, `P1W`). Years and months are refused: their length
 * depends on the calendar, and a soak or a timeout must mean the same number of hours on every replay.
 */
export type DurationCheck = { ok: true; seconds: number } | { ok: false; message: string };

export function checkDuration(text: string): DurationCheck {
  if (text.startsWith('-')) return { ok: false, message: `"${text}" is negative; a duration must be positive` };
  let parts;
  try {
    parts = parse(text);
  } catch {
    return { ok: false, message: `"${text}" is not an ISO 8601 duration (for example PT15M, PT1H, P1D, P1W)` };
  }
  if (parts.years !== 0 || parts.months !== 0) {
    return { ok: false, message: `"${text}" uses years or months, whose length varies; use days or weeks (for example P30D)` };
  }
  const seconds = toSeconds(parts);
  if (!(seconds > 0)) return { ok: false, message: `"${text}" is zero; a duration must be positive` };
  return { ok: true, seconds };
}

/** Seconds of a duration already known to be valid (the plan schema checked it). */
export function durationSeconds(text: string): number {
  const checked = checkDuration(text);
  if (!checked.ok) throw new RangeError(checked.message);
  return checked.seconds;
}

export function durationMs(text: string): number {
  return durationSeconds(text) * 1000;
}

/** A short human form for status lines and cards: 90061 s -> "1d 1h 1m 1s". */
export function formatSeconds(totalSeconds: number): string {
  const units: Array<[string, number]> = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  let rest = Math.round(totalSeconds);
  const out: string[] = [];
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out.push(`${n}${unit}`);
    rest -= n * size;
  }
  return out.length > 0 ? out.join(' ') : '0s';
}
