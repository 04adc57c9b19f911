import { z } from 'zod';
import type { GraphGateway } from '../../graph';
import type { RolloutEventProperties } from '../../telemetry';
import { services } from '../services';
import type { HealthCheckInput, HealthFigures } from '../types';
import { feature, parseActivityInput, rolloutId, settle, timestamp, type ActivityResult } from './input';

/** The health check: the ring members' MFA sign-ins since the ring was enabled, judged against the plan. */

const healthCheckInput: z.ZodType<HealthCheckInput> = z.object({
  rolloutId,
  feature,
  ring: z.string(),
  target: z.string(),
  since: timestamp,
  until: timestamp,
  maxFailureRate: z.number().min(0).max(1),
  minSignIns: z.number().int().min(1),
});

export async function checkHealth(graph: GraphGateway, input: HealthCheckInput): Promise<HealthFigures> {
  const totals = await graph.mfaSignIns(input.target, new Date(input.since), new Date(input.until));
  const failureRate = totals.signIns === 0 ? 0 : totals.failures / totals.signIns;
  const judged = totals.signIns >= input.minSignIns;
  return {
    ring: input.ring,
    target: input.target,
    since: input.since,
    until: input.until,
    signIns: totals.signIns,
    failures: totals.failures,
    failureRate,
    failuresByCode: totals.failuresByCode,
    judged,
    breached: judged && failureRate > input.maxFailureRate,
  };
}

export function checkHealthActivity(input: unknown): Promise<ActivityResult<HealthFigures>> {
  return settle(() => checkHealthMeasured(parseActivityInput('checkHealthActivity', healthCheckInput, input)));
}

async function checkHealthMeasured(request: HealthCheckInput): Promise<HealthFigures> {
  const { graph, telemetry } = await services();
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
