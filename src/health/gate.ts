import { percent } from '../format';
import { rateBounds } from './sequential';
import { emptyTotals, failureRate, totalsSince, type FailureReason, type PushTotals } from './totals';

/**
 * The health verdict of a ring: is there evidence, at the plan's confidence, that the ring's Authenticator push
 * failure rate is above the ceiling `maxFailureRate`, or above the baseline (users in scope not yet in the ring) by
 * more than `maxIncrease`? The ring's rate is judged by its lower confidence bound from an always-valid confidence
 * sequence, so the false-rollback rate of a healthy ring stays at most `falseRollbackRate` over the whole soak,
 * however many checks it has. The baseline is the control's upper confidence bound, capped at the ceiling: an
 * incident in the control can only raise it, and the ceiling then still judges the ring on its own.
 *
 * A rate judged over the whole soak reacts slowly to a change late in the soak: days of healthy pushes dilute it.
 * So a second bound judges the recent pushes alone, from the start of the current segment (a new segment starts
 * every SEGMENT_PUSHES attempts). Segment j spends 1/((j-1) j) of a share of the budget (these add up to 1), so the
 * whole soak, however many segments, still stays within `falseRollbackRate`.
 */

export interface HealthRule {
  /** The ceiling: a ring whose push failure rate is shown to exceed it is breached. */
  maxFailureRate: number;
  /** Tolerance above the baseline (absolute, 0.05 = 5 percentage points). */
  maxIncrease: number;
  /** Probability that a healthy ring is rolled back at any check of its soak. */
  falseRollbackRate: number;
  /** Push attempts needed before the gate says "healthy"; a breach can be declared earlier on strong evidence. */
  minSignIns: number;
}

export type HealthState = 'insufficient' | 'healthy' | 'breached';

export interface HealthVerdict {
  state: HealthState;
  /** Failures / attempts of the ring. */
  observedRate: number;
  /** The control's upper confidence bound capped at the ceiling; null without control data. */
  baseline: number | null;
  /** Failures / attempts of the control; null without control data. */
  controlRate: number | null;
  ceiling: number;
  /** The rate the ring is judged against: the lower of the ceiling and baseline + maxIncrease. */
  threshold: number;
  /** The lowest failure rate of the ring the evidence still allows, at confidence 1 - falseRollbackRate. */
  lowerBound: number;
  /** Which pushes that bound is about: the whole soak, or the recent segment (`recentAttempts` pushes). */
  boundOver: 'soak' | 'recent';
  recentAttempts: number;
  /** What the breach is about; null unless breached. */
  breachedBy: 'ceiling' | 'baseline' | null;
  attempts: number;
  failures: number;
  reasons: Record<FailureReason, number>;
  sentence: string;
}

/**
 * Share of the false-rollback budget spent on the baseline's own uncertainty when a control is used: the control is
 * usually much larger than the ring, so a small share keeps its bound tight while the ring keeps most of the budget.
 */
export const CONTROL_ALPHA_SHARE = 0.2;

/** Share of the ring's budget spent on recent segments; the whole-soak bound keeps the rest. */
export const RECENT_ALPHA_SHARE = 0.3;

/** Push attempts per segment: long enough to judge on its own, short enough that a late change is not diluted. */
export const SEGMENT_PUSHES = 500;

/** The stretch of recent pushes the second bound judges: the ring's totals when it started, and its number. */
export interface RecentSegment {
  index: number;
  start: PushTotals;
}

export function firstSegment(): RecentSegment {
  return { index: 1, start: emptyTotals() };
}

/** Call after each check: starts the next segment once the current one holds SEGMENT_PUSHES attempts. */
export function advanceSegment(segment: RecentSegment, ring: PushTotals): RecentSegment {
  if (ring.attempts - segment.start.attempts < SEGMENT_PUSHES) return segment;
  // A copy: the caller's running totals may be updated in place after this call.
  return { index: segment.index + 1, start: { ...ring, reasons: { ...ring.reasons } } };
}

export type HealthEvidence = Omit<HealthVerdict, 'sentence'>;

/**
 * The verdict with the sentence an administrator reads on cards, in the status and in telemetry. `control` is the
 * baseline's counts (users in scope not yet in the ring, with the look-back); pass null at every check of a ring
 * that has no control at all. `segment` is the recent stretch carried between checks (see advanceSegment).
 */
export function judgeHealth(ring: PushTotals, control: PushTotals | null, rule: HealthRule, segment: RecentSegment = firstSegment()): HealthVerdict {
  const evidence = healthEvidence(ring, control, rule, segment);
  return { ...evidence, sentence: sentenceOf(evidence, rule) };
}

/** The verdict's figures without its sentence: what the bench runs a million times. */
export function healthEvidence(ring: PushTotals, control: PushTotals | null, rule: HealthRule, segment: RecentSegment = firstSegment()): HealthEvidence {
  const alpha = rule.falseRollbackRate;
  // The shares must not change during a ring's soak, so they follow whether the ring has a control at all (the
  // caller passes null at every check, or never), not whether the control has counted a push yet.
  const ringAlpha = control === null ? alpha : alpha * (1 - CONTROL_ALPHA_SHARE);
  const useControl = control !== null && control.attempts > 0;
  const ceiling = rule.maxFailureRate;
  const baseline = useControl ? Math.min(ceiling, rateBounds(control.failures, control.attempts, alpha * CONTROL_ALPHA_SHARE).upper) : null;
  const threshold = baseline === null ? ceiling : Math.min(ceiling, baseline + rule.maxIncrease);
  // Segment 1 is the soak's start, so its pushes are the whole soak's: only later segments add a second bound.
  const recent = segment.index >= 2 ? totalsSince(ring, segment.start) : null;
  // The whole-soak bound keeps the same share from the first check on: a share that shrank later would not add up.
  const soakBound = rateBounds(ring.failures, ring.attempts, ringAlpha * (1 - RECENT_ALPHA_SHARE)).lower;
  const recentBound =
    recent === null ? 0 : rateBounds(recent.failures, recent.attempts, (ringAlpha * RECENT_ALPHA_SHARE) / ((segment.index - 1) * segment.index)).lower;
  const boundOver = recentBound > soakBound ? 'recent' : 'soak';
  const lowerBound = Math.max(soakBound, recentBound);
  const breached = lowerBound > threshold;
  const breachedBy: HealthVerdict['breachedBy'] = !breached ? null : lowerBound > ceiling ? 'ceiling' : 'baseline';
  return {
    state: breached ? 'breached' : ring.attempts >= rule.minSignIns ? 'healthy' : 'insufficient',
    observedRate: failureRate(ring),
    baseline,
    controlRate: useControl ? failureRate(control) : null,
    ceiling,
    threshold,
    lowerBound,
    boundOver,
    recentAttempts: recent?.attempts ?? ring.attempts,
    breachedBy,
    attempts: ring.attempts,
    failures: ring.failures,
    reasons: { ...ring.reasons },
  };
}

const REASON_WORDS: Record<FailureReason, string> = {
  declined: 'declined',
  noResponse: 'not answered',
  wrongNumber: 'wrong number',
  fraud: 'reported as fraud',
  other: 'other failures',
};

function sentenceOf(v: HealthEvidence, rule: HealthRule): string {
  const confidence = `${percent(1 - rule.falseRollbackRate)} confidence`;
  const counted = `${v.failures} of ${v.attempts} Authenticator push${v.attempts === 1 ? '' : 'es'} failed (${percent(v.observedRate)}${reasonList(v.reasons)})`;
  const baselineText = v.baseline === null ? '' : `; baseline ${percent(v.baseline)} (users not yet in the ring: ${percent(v.controlRate ?? 0)})`;
  if (v.state === 'breached') {
    const against =
      v.breachedBy === 'ceiling'
        ? `above the ${percent(v.ceiling)} ceiling`
        : `more than ${points(rule.maxIncrease)} above the ${percent(v.baseline ?? 0)} baseline of users not yet in the ring`;
    const over = v.boundOver === 'recent' ? ` of the last ${v.recentAttempts} pushes` : '';
    return `Breached: ${counted}. With ${confidence} the true failure rate${over} is at least ${percent(v.lowerBound)}, ${against}.`;
  }
  if (v.state === 'healthy') {
    return `Healthy: ${counted}${baselineText}; the evidence does not show a failure rate above ${percent(v.threshold)}.`;
  }
  return (
    `Not enough evidence yet: ${counted}${baselineText}. The ring is called healthy from ${rule.minSignIns} pushes on; ` +
    `it is rolled back as soon as the evidence shows, with ${confidence}, a failure rate above ${percent(v.threshold)}.`
  );
}

function reasonList(reasons: Record<FailureReason, number>): string {
  const parts = (Object.keys(REASON_WORDS) as FailureReason[]).filter((r) => reasons[r] > 0).map((r) => `${reasons[r]} ${REASON_WORDS[r]}`);
  return parts.length === 0 ? '' : `: ${parts.join(', ')}`;
}


function points(rate: number): string {
  return `${(rate * 100).toFixed(1)} percentage points`;
}
