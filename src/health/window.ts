import { classifySignIn, reasonOf, type SignInRecord } from './classify';
import { addTotals, emptyTotals, totalsOfOutcome, type PushTotals } from './totals';

/**
 * Incremental health windows. Each check reads the sign-ins created in `[previous until - overlap, now - lag]`, so
 * a record that reached the log late (within the lag) is still read once, and the overlap is read twice. Records are
 * counted once by id: the ids counted inside the overlap are carried to the next window, and only those, so what the
 * orchestration keeps stays bounded by the traffic of one overlap, never the soak's.
 */

export type Group = 'ring' | 'control';

export interface HealthTally {
  ring: PushTotals;
  control: PushTotals;
  /**
   * Counted records whose creation time is inside the next window's overlap: [digest of the id, epoch seconds].
   * A 53-bit digest (11 characters) instead of the 36-character id keeps the carried state small; two ids sharing a
   * digest within one overlap (about 1e-10 for a thousand records) would drop one record.
   */
  seen: Array<[digest: string, atSeconds: number]>;
  /** End of the time counted so far (epoch ms, inclusive); null before the first window. */
  coveredUntilMs: number | null;
  /** The earliest start the next window may have: ids are kept from here on (epoch ms). */
  keptFromMs: number | null;
}

export interface WindowBounds {
  /** Inclusive creation-time bounds of the records read, epoch ms. */
  fromMs: number;
  untilMs: number;
  /** How far the next window will reach back before `untilMs` (at most the lag). */
  overlapMs: number;
}

export function emptyTally(): HealthTally {
  return { ring: emptyTotals(), control: emptyTotals(), seen: [], coveredUntilMs: null, keptFromMs: null };
}

/**
 * Adds one window's records to the tally. `groupOf` says whose sign-in a record is (the ring's members, the control
 * of users in scope not yet in the ring, or neither: null). Records created outside the window are left for the
 * window that covers them. Throws RangeError when the window leaves a gap after the previous one or reaches back
 * further than the overlap the previous one kept ids for: either would miscount.
 */
export function accumulateWindow(
  tally: HealthTally,
  records: Iterable<SignInRecord>,
  bounds: WindowBounds,
  groupOf: (record: SignInRecord) => Group | null,
): { tally: HealthTally; added: Record<Group, PushTotals> } {
  const { fromMs, untilMs, overlapMs } = bounds;
  if (!(fromMs <= untilMs) || !(overlapMs >= 0)) throw new RangeError(`invalid health window ${fromMs}..${untilMs} with overlap ${overlapMs}`);
  const previous = tally.coveredUntilMs;
  if (previous !== null && fromMs > previous + 1) throw new RangeError('the health window starts after the previous one ended: records in between would be missed');
  if (tally.keptFromMs !== null && fromMs < tally.keptFromMs) {
    throw new RangeError('the health window reaches back further than the kept overlap: records there would be counted twice');
  }
  const seen = new Map<string, number>(tally.seen);
  const added: Record<Group, PushTotals> = { ring: emptyTotals(), control: emptyTotals() };
  for (const record of records) {
    const atMs = typeof record.createdDateTime === 'string' ? Date.parse(record.createdDateTime) : Number.NaN;
    if (!(atMs >= fromMs && atMs <= untilMs)) continue;
    const group = groupOf(record);
    if (group === null) continue;
    const classified = classifySignIn(record);
    if (!classified.counted) continue;
    const digest = digestOf(classified.id);
    if (seen.has(digest)) continue;
    seen.set(digest, Math.floor(atMs / 1000));
    added[group] = addTotals(added[group], totalsOfOutcome(classified.outcome === 'success' ? null : reasonOf(classified.outcome)));
  }
  const keptFromMs = Math.max(untilMs - overlapMs, tally.keptFromMs ?? Number.NEGATIVE_INFINITY);
  const keepFromSeconds = Math.floor(keptFromMs / 1000);
  return {
    tally: {
      ring: addTotals(tally.ring, added.ring),
      control: addTotals(tally.control, added.control),
      seen: [...seen].filter(([, at]) => at >= keepFromSeconds).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])),
      coveredUntilMs: Math.max(untilMs, previous ?? untilMs),
      keptFromMs,
    },
    added,
  };
}

/** cyrb53 (a public-domain 53-bit string hash) in base 36. */
export function digestOf(id: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
