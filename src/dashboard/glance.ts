import { checkDuration, formatSeconds } from '../plan/duration';
import { FINAL_STATUSES, type HealthFigures, type HealthPoint, type HistoryEntry, type PlanSummary, type RolloutStatus, type RolloutStatusName } from '../rollout/types';

export type { HealthPoint, PlanSummary };

/**
 * A rollout at a glance: what `authenticator-rollout get` draws and prints with --json, and what the dashboard renders.
 * Pure: built from the API's view of a rollout and the time now, so both consoles show the same thing.
 */

/**
 * The API's JSON view of a rollout (GET /api/rollouts/{id}). `plan`, `soak` and `healthSeries` are read when the
 * status carries them; without them the ring strip comes from the history and the trend from the latest check.
 */
export type RolloutView = RolloutStatus;

export type RingState = 'done' | 'live' | 'waiting' | 'rolled-back' | 'not-reached';

export interface Glance {
  id: string;
  feature: string;
  status: RolloutStatusName;
  message: string;
  final: boolean;
  startedBy: string;
  startedAt: string | null;
  updatedAt: string | null;
  rings: Array<{ name: string; target: string | null; state: RingState; approval: boolean | null; soak: string | null }>;
  soak: { ring: string; startedAt: string; endsAt: string; progress: number; remainingSeconds: number } | null;
  health: {
    ring: string;
    verdict: HealthFigures['state'];
    signIns: number;
    failures: number;
    failureRate: number;
    bound: number | null;
    checkedAt: string;
  } | null;
  /** Per ring, its checks oldest first (at most the last MAX_POINTS). */
  trend: Array<{ ring: string; points: HealthPoint[] }>;
  approval: { ring: string; deadline: string; remainingSeconds: number; approve: string; reject: string } | null;
  /** The last transitions, oldest first. */
  transitions: Array<{ at: string; status: RolloutStatusName; event: string; message: string; actor: string | null }>;
}

export const MAX_TRANSITIONS = 8;
export const MAX_POINTS = 48;

export function glance(view: RolloutView, now: Date): Glance {
  const final = FINAL_STATUSES.has(view.status);
  const rings = ringStrip(view, final);
  const soak = final ? null : soakOf(view, now);
  const bound = view.plan?.health?.maxFailureRate ?? view.healthSeries?.at(-1)?.bound ?? null;
  const health = view.health
    ? {
        ring: view.health.ring,
        verdict: view.health.state,
        signIns: view.health.signIns,
        failures: view.health.failures,
        failureRate: view.health.failureRate,
        bound,
        checkedAt: view.health.until,
      }
    : null;
  const approval =
    view.status === 'AwaitingApproval' && view.approval
      ? {
          ring: view.approval.ring,
          deadline: view.approval.deadline,
          remainingSeconds: Math.max(0, Math.round((Date.parse(view.approval.deadline) - now.getTime()) / 1000)),
          approve: `authenticator-rollout approve ${view.id} --ring ${view.approval.ring}`,
          reject: `authenticator-rollout reject ${view.id} --ring ${view.approval.ring} --reason "..."`,
        }
      : null;
  return {
    id: view.id,
    feature: view.feature,
    status: view.status,
    message: view.message,
    final,
    startedBy: view.startedBy.name,
    startedAt: view.history[0]?.at ?? null,
    updatedAt: view.history.at(-1)?.at ?? null,
    rings,
    soak,
    health,
    trend: trendOf(view, bound),
    approval,
    transitions: view.history.slice(-MAX_TRANSITIONS).map(transition),
  };
}

function transition(entry: HistoryEntry): Glance['transitions'][number] {
  return { at: entry.at, status: entry.status, event: entry.event, message: entry.message, actor: entry.actor && entry.actor.via !== 'rollout' ? entry.actor.name : null };
}

/** Rings enabled so far, in the order the history shows them. */
function enabledRings(history: HistoryEntry[]): string[] {
  const names: string[] = [];
  for (const entry of history) if (entry.event === 'Ring.Enabled' && entry.ring && !names.includes(entry.ring)) names.push(entry.ring);
  return names;
}

function ringStrip(view: RolloutView, final: boolean): Glance['rings'] {
  const enabled = enabledRings(view.history);
  type Known = Omit<Glance['rings'][number], 'state'>;
  const planned: Known[] | undefined = view.plan?.rings.map((r) => ({ name: r.name, target: r.target, approval: r.approval ?? false, soak: r.soak }));
  const known: Known[] = planned ?? view.rings?.map((r) => ({ name: r.ring, target: r.target, approval: null, soak: null })) ?? [];
  const list: Known[] = known.length > 0 ? known : enabled.map((name) => ({ name, target: null, approval: null, soak: null }));
  if (view.currentRing && !list.some((r) => r.name === view.currentRing)) list.push({ name: view.currentRing, target: view.enabledTarget, approval: null, soak: null });
  const currentIndex = list.findIndex((r) => r.name === view.currentRing);
  const rolledBack = view.history.some((e) => e.event === 'Rollback.Started');
  return list.map((ring, index) => {
    let state: RingState;
    if (view.status === 'Completed') state = 'done';
    else if (final) state = rolledBack && enabled.includes(ring.name) ? 'rolled-back' : enabled.includes(ring.name) ? 'done' : 'not-reached';
    else if (index === currentIndex) state = 'live';
    else state = currentIndex >= 0 && index < currentIndex ? 'done' : 'waiting';
    return { ...ring, state };
  });
}

function soakOf(view: RolloutView, now: Date): Glance['soak'] {
  const derived = view.soak ?? derivedSoak(view);
  if (!derived) return null;
  const start = Date.parse(derived.startedAt);
  const end = Date.parse(derived.endsAt);
  const progress = end > start ? Math.min(1, Math.max(0, (now.getTime() - start) / (end - start))) : 1;
  return { ...derived, progress, remainingSeconds: Math.max(0, Math.round((end - now.getTime()) / 1000)) };
}

/** Without a `soak` field: the live ring's Ring.Enabled time plus the plan's soak (a pause is not counted). */
function derivedSoak(view: RolloutView): { ring: string; startedAt: string; endsAt: string } | null {
  if (!view.currentRing || view.status === 'AwaitingApproval') return null;
  const ring = view.plan?.rings.find((r) => r.name === view.currentRing);
  const enabled = [...view.history].reverse().find((e) => e.event === 'Ring.Enabled' && e.ring === view.currentRing);
  if (!ring || !enabled) return null;
  const soak = checkDuration(ring.soak);
  if (!soak.ok) return null;
  return { ring: ring.name, startedAt: enabled.at, endsAt: new Date(Date.parse(enabled.at) + soak.seconds * 1000).toISOString() };
}

function trendOf(view: RolloutView, bound: number | null): Glance['trend'] {
  const points: HealthPoint[] =
    view.healthSeries ?? (view.health && bound !== null ? [{ ring: view.health.ring, at: view.health.until, rate: view.health.failureRate, bound, signIns: view.health.signIns, judged: view.health.judged, breached: view.health.breached }] : []);
  const byRing = new Map<string, HealthPoint[]>();
  for (const point of points) byRing.set(point.ring, [...(byRing.get(point.ring) ?? []), point]);
  return [...byRing].map(([ring, list]) => ({ ring, points: list.slice(-MAX_POINTS) }));
}

/** "2h 5m" for a number of seconds, "0s" at the end. */
export function timeLeft(seconds: number): string {
  return seconds <= 0 ? '0s' : formatSeconds(seconds >= 3600 ? Math.round(seconds / 60) * 60 : seconds);
}

export { percent } from '../format';
