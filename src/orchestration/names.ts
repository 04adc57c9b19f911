/** Function, event and entity names: one constant each, shared by the registrations, the orchestrator and the clients. */

export const ROLLOUT_ORCHESTRATOR = 'rolloutOrchestrator';

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
export type RolloutEventName = (typeof EVENTS)[keyof typeof EVENTS];

/** The durable entity that lets at most one rollout per feature be active. */
export const FEATURE_LOCK_ENTITY = 'featureLock';
