import type { RolloutEventProperties } from '../telemetry';
import { checkHealth, enableRing, preflight, rollback } from './activities';
import { cardFor } from './announce';
import { services } from './services';
import type { Announcement, EnableRingInput, HealthCheckInput, HealthFigures, PreflightResult, RollbackInput, RollbackResult, WriteResult } from './types';
import type { RolloutPlan } from '../plan';

/** The activity functions as registered: inputs come from the orchestrator, services from the environment. */

export async function preflightActivity(input: unknown): Promise<PreflightResult> {
  const { graph, telemetry } = await services();
  const request = input as { rolloutId: string; plan: RolloutPlan };
  const result = await preflight(graph, request);
  const outcome = result.enforcedByMicrosoft ? 'enforced by Microsoft' : result.errors.length > 0 ? result.errors.join(' ') : 'ready';
  telemetry.event(
    'Preflight.Completed',
    { rolloutId: request.rolloutId, feature: request.plan.feature, shape: result.shape, reason: outcome, ...(result.enabledTargetBefore ? { target: result.enabledTargetBefore } : {}) },
    { rings: result.rings.length, errors: result.errors.length, warnings: result.warnings.length },
  );
  return result;
}

export async function enableRingActivity(input: unknown): Promise<WriteResult> {
  const { graph } = await services();
  return enableRing(graph, input as EnableRingInput);
}

export async function rollbackActivity(input: unknown): Promise<RollbackResult> {
  const { graph } = await services();
  return rollback(graph, input as RollbackInput);
}

export async function checkHealthActivity(input: unknown): Promise<HealthFigures> {
  const { graph, telemetry } = await services();
  const request = input as HealthCheckInput;
  const figures = await checkHealth(graph, request);
  const properties: RolloutEventProperties = { rolloutId: request.rolloutId, feature: request.feature, ring: request.ring, target: request.target };
  telemetry.event('Health.Checked', { ...properties, breached: String(figures.breached), judged: String(figures.judged) }, {
    signIns: figures.signIns,
    failures: figures.failures,
    failureRate: figures.failureRate,
  });
  telemetry.metric('Health.SignIns', figures.signIns, properties);
  telemetry.metric('Health.MfaFailureRate', figures.failureRate, properties);
  return figures;
}

/** One telemetry event per decision and, where people should know, one Teams card. Never fails the rollout. */
export async function announceActivity(input: unknown): Promise<void> {
  const a = input as Announcement;
  const { telemetry, notifier } = await services();
  const properties: RolloutEventProperties = {
    rolloutId: a.rolloutId,
    feature: a.feature,
    status: a.status.status,
    ...(a.ring ? { ring: a.ring } : {}),
    ...(a.target ? { target: a.target } : {}),
    ...(a.actor ? { actor: a.actor.id ? `${a.actor.name} (${a.actor.id})` : a.actor.name } : {}),
    ...(a.reason ? { reason: a.reason } : {}),
  };
  telemetry.event(a.event, properties, a.measurements);
  if (a.measurements?.waitMinutes !== undefined) telemetry.metric('Approval.WaitMinutes', a.measurements.waitMinutes, properties);
  if (a.measurements?.breachToVerifiedSeconds !== undefined) telemetry.metric('Rollback.BreachToVerifiedSeconds', a.measurements.breachToVerifiedSeconds, properties);
  if (a.measurements?.soakMinutes !== undefined) telemetry.metric('Ring.SoakMinutes', a.measurements.soakMinutes, properties);
  const card = cardFor(a);
  if (card) await notifier.send(card);
}
