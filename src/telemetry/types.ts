/** The audit-trail vocabulary: what happened to a rollout, as identity administrators read it afterwards. */
export type RolloutEventName =
  | 'Rollout.Started'
  | 'Preflight.Completed'
  | 'Ring.Enabled'
  | 'Health.Checked'
  | 'Health.Breached'
  | 'Approval.Requested'
  | 'Approval.Reminded'
  | 'Approval.Decided'
  | 'Approval.TimedOut'
  | 'Rollout.Paused'
  | 'Rollout.Resumed'
  | 'Rollback.Started'
  | 'Rollback.Completed'
  | 'Rollback.Failed'
  | 'Rollout.Completed'
  | 'Rollout.Failed'
  | 'Drift.Detected'
  | 'Notification.Failed'
  | 'Webhook.Refused';

export type RolloutMetricName =
  | 'Ring.SoakMinutes'
  | 'Health.SignIns'
  | 'Health.MfaFailureRate'
  | 'Approval.WaitMinutes'
  | 'Rollback.BreachToVerifiedSeconds';

export interface RolloutEventProperties {
  rolloutId?: string;
  feature?: string;
  ring?: string;
  target?: string;
  actor?: string;
  reason?: string;
  [k: string]: string | undefined;
}

export type DependencyType = 'Microsoft Graph' | 'Teams Workflows';

export interface DependencyCall {
  type: DependencyType;
  /** e.g. `GET /v1.0/policies/...`; scrubbed, never a full Workflows URL. */
  name: string;
  /** Graph: the URL or path called (the query is dropped); Teams Workflows: the URL (only its host is kept). */
  target: string;
  durationMs: number;
  resultCode: number | string;
  success: boolean;
  properties?: Record<string, string>;
}

export interface Telemetry {
  event(name: RolloutEventName, properties: RolloutEventProperties, measurements?: Record<string, number>): void;
  metric(name: RolloutMetricName, value: number, properties?: RolloutEventProperties): void;
  dependency(d: DependencyCall): void;
  exception(error: unknown, properties?: RolloutEventProperties): void;
  /** Sends everything queued (metrics otherwise leave only every 60 s). Never rejects. */
  flush(): Promise<void>;
}

/** Telemetry problems are swallowed, never thrown: this is where they are counted. */
export interface TelemetryHealth {
  /** False when telemetry is off (no connection string) or could not start (bad connection string, SDK failed to load). */
  enabled: boolean;
  failures: number;
  /** The latest problem, secrets removed. */
  lastFailure?: string;
}

export interface MonitoredTelemetry extends Telemetry {
  health(): TelemetryHealth;
}
