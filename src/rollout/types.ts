import type { RolloutPlan } from '../plan';
import type { AuthenticatorConfig, Feature, PolicyShape } from '../policy/types';
import type { RolloutEventName } from '../telemetry/types';
import type { CardModel } from '../teams/cards';
import type { FailureReason, HealthRule, HealthState, HealthTally, PushTotals, RecentSegment } from '../health';

export const ROLLOUT_STATUSES = ['Pending', 'Running', 'AwaitingApproval', 'Paused', 'Completed', 'RolledBack', 'Failed'] as const;
export type RolloutStatusName = (typeof ROLLOUT_STATUSES)[number];
export const FINAL_STATUSES: ReadonlySet<RolloutStatusName> = new Set(['Completed', 'RolledBack', 'Failed']);

/** Who did something: a person (API caller or Teams approver), or the product itself. */
export interface Actor {
  name: string;
  id?: string;
  via: 'api' | 'teams' | 'timer' | 'rollout' | 'simulated';
}

/** One health check of a ring, as a point of its trend. */
export interface HealthPoint {
  ring: string;
  at: string;
  /** The failure rate of the ring's Authenticator pushes (0..1). */
  rate: number;
  /** The rate the ring was judged against at that check (the ceiling, or the baseline + tolerance when lower). */
  bound: number;
  /** The control's bound (users not yet in the ring), when it was measured. */
  baseline?: number;
  signIns?: number;
  judged?: boolean;
  breached?: boolean;
}

/** The plan's rings and gates, as far as the console needs them. */
export interface PlanSummary {
  rings: Array<{ name: string; target: string; soak: string; approval?: boolean }>;
  health?: { maxFailureRate: number; minSignIns?: number; interval?: string };
  approvalTimeout?: string;
}

/**
 * What a rollout carries into its next execution when it continues as new (at each ring, and before its history grows
 * past about a thousand events): the status, the snapshot and where in which ring it is. Small by construction.
 */
export interface RolloutResume {
  status: RolloutStatus;
  snapshot: AuthenticatorConfig;
  ringIndex: number;
  phase:
    | { kind: 'soak'; enabledAt: string; soakEndMs: number; nextCheckMs: number; progress: HealthProgress }
    | { kind: 'checkpoint'; requestedAt: string; soakMinutes: number };
  /** The control's push outcomes during the earlier rings' soaks. */
  controlSoFar: PushTotals;
}

/** ROLLOUT_SIGNIN_LAG's default: 99 % of sign-ins reach the log within 5 minutes. */
export const DEFAULT_SIGNIN_LAG = 'PT5M';

/** Settings the start path reads once and hands to the rollout, which reads no environment. */
export interface RolloutSettings {
  /** ROLLOUT_SIGNIN_LAG: how long sign-ins take to reach the log; each check counts up to its time less this. */
  signInLagMs: number;
}

export interface RolloutInput {
  rolloutId: string;
  plan: RolloutPlan;
  startedBy: Actor;
  /** Absent in rollouts started by an older version: the defaults apply. */
  settings?: RolloutSettings;
  /** Set when the rollout continued as new: where the previous execution stopped. */
  resume?: RolloutResume;
  /** Set by the start path when the feature lock is held by a rollout that has already ended without releasing it. */
  replaceStaleHolder?: string;
  /** Link to the status, for cards (no secrets: the API route, not a durable management URL with a key). */
  statusUrl?: string;
}

/** Payload of every control event (Approval, Rejection, Abort, Pause, Resume). */
export interface ControlEvent {
  actor: Actor;
  reason?: string;
  /** Approval/Rejection: the ring whose checkpoint is meant; a decision for another checkpoint is ignored. */
  ring?: string;
}

export interface DriftEvent {
  actor: Actor;
  /** What changed, in words, e.g. "displayAppInformation: enabled target changed from A to B". */
  changes: string[];
  observedTarget: string | null;
}

/** A health check as people and cards see it: the ring's Authenticator push outcomes and the verdict on them. */
export interface HealthFigures {
  ring: string;
  target: string;
  /** When the ring was enabled: only pushes since then count. */
  since: string;
  /** The end of the sign-ins counted (the check's time less the sign-in log's lag). */
  until: string;
  /** Authenticator push attempts of the ring's members since it was enabled (interrupts and other methods excluded). */
  signIns: number;
  failures: number;
  failureRate: number;
  /** Why the pushes failed: declined, no response, wrong number, fraud reported, other. */
  reasons: Record<FailureReason, number>;
  /** 'insufficient': not enough evidence yet; 'healthy'; 'breached'. */
  state: HealthState;
  /** The control's (users in scope not in the ring) upper bound, capped at the ceiling; null without control data. */
  baseline: number | null;
  /** The rate the ring is judged against: the lower of the ceiling and baseline + maxIncrease. */
  threshold: number;
  /** The lowest failure rate the evidence still allows, at the plan's confidence. */
  lowerBound: number;
  /** Push attempts of the control so far. */
  controlAttempts: number;
  /** true when the evidence shows the ring's rate above the threshold. */
  breached: boolean;
  /** false while there is not enough evidence to call the ring healthy (the gate then neither passes nor fails). */
  judged: boolean;
  sentence: string;
}

/** What a ring's health checks carry from one to the next: counts and the ids of one overlap, never record lists. */
export interface HealthProgress {
  tally: HealthTally;
  segment: RecentSegment;
}

/** What a history entry records; the timer and the console read these names, so they are one vocabulary. */
export type HistoryEventName =
  | 'Rollout.Refused'
  | 'Rollout.Started'
  | 'Rollout.Failed'
  | 'Rollout.Completed'
  | 'Ring.Enabling'
  | 'Ring.Enabled'
  | 'Ring.Reapplied'
  | 'Health.Breached'
  | 'Health.Slow'
  | 'Approval.Requested'
  | 'Approval.Ignored'
  | 'Approval.Decided'
  | 'Drift.Detected'
  | 'Rollout.Paused'
  | 'Rollout.Resumed'
  | 'Rollback.Started'
  | 'Rollback.Retrying'
  | 'Rollback.Completed'
  | 'Rollback.Failed';

export interface HistoryEntry {
  /** 0, 1, 2, ... in the order entries were made; the status keeps the first and the newest (see historyOmitted). */
  seq: number;
  at: string;
  status: RolloutStatusName;
  event: HistoryEventName;
  message: string;
  ring?: string;
  actor?: Actor;
}

export interface ApprovalState {
  ring: string;
  requestedAt: string;
  deadline: string;
  /** What happens at the deadline: the plan's onApprovalTimeout. */
  onTimeout: RolloutPlan['onApprovalTimeout'];
  remindedAt?: string;
}

/** Why and since when a rollout is held (Argo's pause condition). */
export interface PauseState {
  reason: string;
  since: string;
  by: Actor;
}

/** The custom status of a rollout: what the API, the cards and `npm start` show. */
export interface RolloutStatus {
  id: string;
  feature: Feature;
  status: RolloutStatusName;
  currentRing: string | null;
  enabledTarget: string | null;
  nextCheckpointAt: string | null;
  health: HealthFigures | null;
  message: string;
  history: HistoryEntry[];
  /** How many entries between the first and the oldest kept were left out to keep the status small. */
  historyOmitted?: number;
  startedBy: Actor;
  shape?: PolicyShape;
  warnings: string[];
  /** What preflight found per ring (group name, members, push registration). */
  rings?: RingPreflight[];
  approval?: ApprovalState;
  pause?: PauseState;
  /** The plan's rings and gates, for the consoles. */
  plan?: PlanSummary;
  /** The live ring's soak; endsAt moves when the rollout is paused. */
  soak?: { ring: string; startedAt: string; endsAt: string } | null;
  /** The newest health checks, oldest first (bounded, so the status stays small). */
  healthSeries?: HealthPoint[];
  /** Set by the lock step: the rollout that already holds the feature when this one was refused. */
  activeRolloutId?: string;
}

export interface RingPreflight {
  ring: string;
  target: string;
  exists: boolean;
  displayName: string;
  members: number;
  pushRegistered: number;
}

export interface PreflightResult {
  shape: PolicyShape;
  /** The whole pre-rollout configuration, recorded in the orchestration history before any write. */
  snapshot: AuthenticatorConfig;
  enabledTargetBefore: string | null;
  enforcedByMicrosoft: boolean;
  rings: RingPreflight[];
  /** Problems that make the rollout impossible; nothing is written when there is one. */
  errors: string[];
  /** Findings worth a human's attention that do not block (e.g. a ring that does not contain the previous one). */
  warnings: string[];
  /**
   * For a plan whose first ring is all_users (no one is left to compare with): the push outcomes of the newest
   * sign-ins before the rollout (the newest pages of its baselineWindow), as the baseline.
   */
  lookback?: PushTotals;
}

export interface EnableRingInput {
  rolloutId: string;
  feature: Feature;
  ring: string;
  target: string;
}

export interface WriteResult {
  enabledTarget: string | null;
  /** false when the tenant already showed the intended state and no PATCH was needed. */
  written: boolean;
  summary: string;
}

export interface HealthCheckInput {
  rolloutId: string;
  feature: Feature;
  ring: string;
  target: string;
  since: string;
  /** Count the sign-ins created up to here (the check's time less the lag). */
  until: string;
  /** How far each window reaches back before the previous one's end, for records that reached the log late. */
  overlapMs: number;
  rule: HealthRule;
  progress: HealthProgress;
  /** For all_users: the control measured during the earlier rings' soaks; null when there was none. */
  control: PushTotals | null;
}

export interface HealthCheckResult {
  figures: HealthFigures;
  progress: HealthProgress;
  /** Sign-in report requests the check sent: what the next check reserves of the tenant's budget. */
  reportRequests: number;
}

export interface RollbackInput {
  rolloutId: string;
  feature: Feature;
  mode: RolloutPlan['rollback'];
  snapshot: AuthenticatorConfig;
  /** The plan's ring targets: the only include targets a rollback may remove. */
  rolloutTargets: string[];
  reason: string;
}

export interface RollbackResult extends WriteResult {
  verified: boolean;
}

/**
 * What the announce activity emits: one telemetry event and, when `card` is set, one Teams card. It carries only the
 * event's properties and the card's own model, never the plan or the history.
 */
export interface Announcement {
  event: RolloutEventName;
  rolloutId: string;
  feature: Feature;
  status: RolloutStatusName;
  ring?: string;
  target?: string;
  actor?: Actor;
  reason?: string;
  measurements?: Record<string, number>;
  card?: CardModel;
}

/**
 * What an activity answers: its value, or the sentence of its failure and whether trying again can help. The
 * rollout retries with its own backoff timers, so it must know which failures are final.
 */
export type ActivityResult<T> = { ok: true; value: T } | { ok: false; error: string; permanent: boolean };

/** The orchestration's output (also kept after it ends). */
export interface RolloutOutput {
  status: RolloutStatus;
  snapshot?: AuthenticatorConfig;
}
