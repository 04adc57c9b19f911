import fc from 'fast-check';
import { accumulateWindow, addTotals, classifySignIn, emptyTally, emptyTotals, reasonOf, totalsOfOutcome, type Group, type PushTotals, type SignInRecord } from '../../src/health';
import { kinds } from './records';

const START = Date.parse('2026-12-01T08:00:00Z');
const MIN = 60_000;

const groupOf = (r: SignInRecord): Group | null => (r.userId === 'ring' ? 'ring' : r.userId === 'control' ? 'control' : null);

interface Logged {
  record: SignInRecord;
  createdMs: number;
  /** When the record becomes visible in the log. */
  arrivesMs: number;
}

const KINDS = [
  (id: string, at: string) => kinds.pushSuccess(id, at),
  (id: string, at: string) => kinds.pushSuccess(id, at),
  (id: string, at: string) => kinds.interrupt(id, at),
  (id: string, at: string) => kinds.denial(id, 'MFA denied; user declined the authentication', at),
  (id: string, at: string) => kinds.denial(id, 'MFA denied; user did not respond to mobile app notification', at),
  (id: string, at: string) => kinds.denial(id, 'MFA denied; Phone App Reported Fraud', at),
  (id: string, at: string) => kinds.previouslySatisfied(id, at),
  (id: string, at: string) => kinds.textMessageFailure(id, at),
];

/** Every distinct id created in [from, until], counted once: what one full read after the fact would give. */
function fullRecount(log: Logged[], fromMs: number, untilMs: number): Record<Group, PushTotals> {
  const totals: Record<Group, PushTotals> = { ring: emptyTotals(), control: emptyTotals() };
  const seen = new Set<string>();
  for (const { record, createdMs } of log) {
    if (createdMs < fromMs || createdMs > untilMs) continue;
    const c = classifySignIn(record);
    const group = groupOf(record);
    if (!c.counted || group === null || seen.has(c.id)) continue;
    seen.add(c.id);
    totals[group] = addTotals(totals[group], totalsOfOutcome(c.outcome === 'success' ? null : reasonOf(c.outcome)));
  }
  return totals;
}

describe('incremental health windows', () => {
  it('equal a full recount of the same traffic, with late records and duplicates across windows', () => {
    const traffic = fc.record({
      lagMin: fc.integer({ min: 0, max: 10 }),
      overlapMin: fc.integer({ min: 0, max: 10 }),
      gapsMin: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
      records: fc.array(
        fc.record({
          idNumber: fc.integer({ min: 0, max: 120 }),
          createdSec: fc.integer({ min: 0, max: 8 * 3600 }),
          delayShare: fc.double({ min: 0, max: 1, noNaN: true }),
          kind: fc.integer({ min: 0, max: KINDS.length - 1 }),
          user: fc.constantFrom('ring', 'control', 'someone-else'),
          copies: fc.integer({ min: 1, max: 3 }),
        }),
        { maxLength: 300 },
      ),
    });
    fc.assert(
      fc.property(traffic, ({ lagMin, overlapMin, gapsMin, records }) => {
        const lag = lagMin * MIN;
        const overlap = Math.min(overlapMin, lagMin) * MIN;
        // An id always names the same sign-in: its first draw decides what it is; copies are re-published batches.
        const byId = new Map<number, { createdSec: number; kind: number; user: string }>();
        const log: Logged[] = [];
        for (const r of records) {
          const first = byId.get(r.idNumber) ?? r;
          byId.set(r.idNumber, first);
          const createdMs = START + first.createdSec * 1000;
          const at = new Date(createdMs).toISOString();
          const kind = KINDS[first.kind]!;
          for (let copy = 0; copy < r.copies; copy++) {
            // Up to the lag plus the overlap late: the overlap is what catches the records later than the lag.
            const arrivesMs = createdMs + Math.floor(((r.delayShare * (copy + 1)) / r.copies) * (lag + overlap));
            log.push({ record: { ...kind(`id-${r.idNumber}`, at), userId: first.user }, createdMs, arrivesMs });
          }
        }
        let tally = emptyTally();
        let from = START;
        let until = START;
        let now = START + lag;
        for (const gap of gapsMin) {
          now += Math.max(gap * MIN, overlap);
          until = now - lag;
          const visible = log.filter((l) => l.arrivesMs <= now).map((l) => l.record);
          tally = accumulateWindow(tally, visible, { fromMs: from, untilMs: until, overlapMs: overlap }, groupOf).tally;
          from = until - overlap;
        }
        // The last check of a soak waits for its lag and overlap, then reads its overlap once more.
        const settle = log.filter((l) => l.arrivesMs <= until + lag + overlap).map((l) => l.record);
        tally = accumulateWindow(tally, settle, { fromMs: until - overlap, untilMs: until, overlapMs: overlap }, groupOf).tally;

        const expected = fullRecount(log, START, until);
        expect(tally.ring).toEqual(expected.ring);
        expect(tally.control).toEqual(expected.control);
        // What is carried is bounded by the overlap, never the soak.
        for (const [, atSec] of tally.seen) expect(atSec * 1000).toBeGreaterThanOrEqual(Math.floor((until - overlap) / 1000) * 1000);
        expect(JSON.parse(JSON.stringify(tally))).toEqual(tally);
      }),
      { numRuns: 150, seed: 20261201 },
    );
  });

  it('refuses a window that leaves a gap or reaches back beyond the kept overlap', () => {
    const first = accumulateWindow(emptyTally(), [], { fromMs: START, untilMs: START + 15 * MIN, overlapMs: 5 * MIN }, groupOf).tally;
    expect(() => accumulateWindow(first, [], { fromMs: START + 16 * MIN, untilMs: START + 30 * MIN, overlapMs: 5 * MIN }, groupOf)).toThrow(/gap|after the previous/);
    expect(() => accumulateWindow(first, [], { fromMs: START + 9 * MIN, untilMs: START + 30 * MIN, overlapMs: 5 * MIN }, groupOf)).toThrow(/reaches back/);
    expect(() => accumulateWindow(first, [], { fromMs: START + 10 * MIN, untilMs: START + 30 * MIN, overlapMs: 5 * MIN }, groupOf)).not.toThrow();
  });

  it('counts a failure read again in the next window once, and reports what each window added', () => {
    const denial = kinds.denial('late', 'MFA denied; user declined the authentication', new Date(START + 13 * MIN).toISOString());
    const w1 = accumulateWindow(emptyTally(), [denial], { fromMs: START, untilMs: START + 15 * MIN, overlapMs: 5 * MIN }, () => 'ring');
    const w2 = accumulateWindow(w1.tally, [denial, kinds.pushSuccess('next', new Date(START + 20 * MIN).toISOString())], { fromMs: START + 10 * MIN, untilMs: START + 30 * MIN, overlapMs: 5 * MIN }, () => 'ring');
    expect(w1.added.ring.failures).toBe(1);
    expect(w2.added.ring).toMatchObject({ attempts: 1, failures: 0 });
    expect(w2.tally.ring).toMatchObject({ attempts: 2, failures: 1 });
    expect(w2.tally.seen).toHaveLength(0);
  });
});
