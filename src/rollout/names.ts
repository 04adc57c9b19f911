/** Function, event and entity names: one constant each, shared by the registrations, the orchestrator and the clients. */

export const ROLLOUT_ORCHESTRATOR = 'rolloutOrchestrator';

/** A rollout id as people type it in a chat or a URL (ids are issued lower case; case does not matter when typed). */
export const ROLLOUT_ID_PATTERN = /^[a-z0-9]{6,12}$/i;

export const ACTIVITIES = {
  preflight: 'preflightActivity',
  enableRing: 'enableRingActivity',
  checkHealth: 'checkHealthActivity',
  rollback: 'rollbackActivity',
  announce: 'announceActivity',
} as const;

/** External events a rollout listens to. */
export const EVENTS = {
  approval: 'Approval',
  rejection: 'Rejection',
  abort: 'Abort',
  pause: 'Pause',
  resume: 'Resume',
  drift: 'DriftDetected',
  reminderSent: 'ReminderSent',
} as const;

/** The durable entity that lets at most one rollout per feature be active. */
export const FEATURE_LOCK_ENTITY = 'featureLock';

/** The durable entity that spreads the tenant's sign-in report reads over time, across rollouts and instances. */
export const REPORTS_BUDGET_ENTITY = 'reportsBudget';
