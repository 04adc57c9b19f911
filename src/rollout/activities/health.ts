import { z } from 'zod';
import { accumulateWindow, emptyTotals, failureRate, judgeHealth, advanceSegment, type HealthTally, type PushTotals, type RecentSegment, type SignInRecord } from '../../health';
import type { GraphGateway } from '../../graph';
import type { RolloutEventProperties } from '../../telemetry';
import { services } from '../services';
import type { HealthCheckInput, HealthCheckResult, HealthFigures } from '../types';
import { feature, parseActivityInput, rolloutId, settle, timestamp, type ActivityResult } from './input';

/**
 * The health check: the Authenticator push outcomes of the ring's members in the sign-ins that reached the log since
 * the previous check (read once; the overlap catches records that arrived late, counted once by id), added to the
 * running totals and judged by the sequential test against the control (users in scope not yet in the ring) and the
 * plan's ceiling. Only counts and the ids of one overlap travel back to the rollout, never record lists.
 */

const totals: z.ZodType<PushTotals> = z.object({
  attempts: z.number().int().min(0),
  failures: z.number().int().min(0),
  reasons: z.object({ declined: z.number(), noResponse: z.number(), wrongNumber: z.number(), fraud: z.number(), other: z.number() }),
});
const tally: z.ZodType<HealthTally> = z.object({
  ring: totals,
  control: totals,
  seen: z.array(z.tuple([z.string(), z.number()])),
  coveredUntilMs: z.number().nullable(),
  keptFromMs: z.number().nullable(),
});
const segment: z.ZodType<RecentSegment> = z.object({ index: z.number().int().min(1), start: totals });

const healthCheckInput: z.ZodType<HealthCheckInput> = z.object({
  rolloutId,
  feature,
  ring: z.string(),
  target: z.string(),
  since: timestamp,
  until: timestamp,
  overlapMs: z.number().min(0),
  rule: z.object({ maxFailureRate: z.number().min(0).max(1), maxIncrease: z.number().min(0).max(1), falseRollbackRate: z.number().gt(0).max(1), minSignIns: z.number().int().min(1) }),
  progress: z.object({ tally, segment }),
  control: totals.nullable(),
});

/** Ring members are read once per soak (refreshed daily), in the activity's process, never into the rollout's history. */
const MEMBERS_TTL_MS = 86_400_000;
const memberCache = new Map<string, { members: ReadonlySet<string> | null; readAt: number }>();

async function membersOf(graph: GraphGateway, target: string): Promise<ReadonlySet<string> | null> {
  const cached = memberCache.get(target);
  if (cached && Date.now() - cached.readAt < MEMBERS_TTL_MS) return cached.members;
  const ids = await graph.memberIds(target);
  const members = ids ? new Set([...ids].map((id) => id.toLowerCase())) : null;
  memberCache.set(target, { members, readAt: Date.now() });
  return members;
}

export async function checkHealth(graph: GraphGateway, input: HealthCheckInput): Promise<HealthCheckResult> {
  const members = await membersOf(graph, input.target);
  const untilMs = Date.parse(input.until);
  const fromMs = input.progress.tally.keptFromMs ?? Date.parse(input.since);
  let progress = input.progress;
  let reportRequests = 0;
  if (untilMs > fromMs) {
    const records: SignInRecord[] = [];
    for await (const page of graph.signIns({ from: new Date(fromMs), to: new Date(untilMs) })) {
      reportRequests++;
      records.push(...(page as SignInRecord[]));
    }
    const counted = accumulateWindow(progress.tally, records, { fromMs, untilMs, overlapMs: input.overlapMs }, (record) => {
      if (members === null) return 'ring';
      const user = typeof record.userId === 'string' ? record.userId.toLowerCase() : '';
      return members.has(user) ? 'ring' : 'control';
    });
    progress = { tally: counted.tally, segment: progress.segment };
  }
  const ring = progress.tally.ring;
  const control = members === null ? input.control : progress.tally.control;
  const verdict = judgeHealth(ring, control && control.attempts > 0 ? control : null, input.rule, progress.segment);
  const figures: HealthFigures = {
    ring: input.ring,
    target: input.target,
    since: input.since,
    until: input.until,
    signIns: ring.attempts,
    failures: ring.failures,
    failureRate: failureRate(ring),
    reasons: ring.reasons,
    state: verdict.state,
    baseline: verdict.baseline,
    threshold: verdict.threshold,
    lowerBound: verdict.lowerBound,
    controlAttempts: (control ?? emptyTotals()).attempts,
    breached: verdict.state === 'breached',
    judged: verdict.state !== 'insufficient',
    sentence: verdict.sentence,
  };
  return { figures, progress: { tally: progress.tally, segment: advanceSegment(progress.segment, ring) }, reportRequests };
}

export function checkHealthActivity(input: unknown): Promise<ActivityResult<HealthCheckResult>> {
  return settle(() => checkHealthMeasured(parseActivityInput('checkHealthActivity', healthCheckInput, input)));
}

async function checkHealthMeasured(request: HealthCheckInput): Promise<HealthCheckResult> {
  const { graph, telemetry } = await services();
  const result = await checkHealth(graph, request);
  const { figures } = result;
  const properties: RolloutEventProperties = { rolloutId: request.rolloutId, feature: request.feature, ring: request.ring, target: request.target };
  telemetry.event('Health.Checked', { ...properties, state: figures.state, breached: String(figures.breached), judged: String(figures.judged) }, {
    signIns: figures.signIns,
    failures: figures.failures,
    failureRate: figures.failureRate,
    lowerBound: figures.lowerBound,
    threshold: figures.threshold,
    ...(figures.baseline !== null ? { baseline: figures.baseline } : {}),
    declined: figures.reasons.declined,
    noResponse: figures.reasons.noResponse,
    wrongNumber: figures.reasons.wrongNumber,
    fraud: figures.reasons.fraud,
  });
  telemetry.metric('Health.SignIns', figures.signIns, properties);
  telemetry.metric('Health.MfaFailureRate', figures.failureRate, properties);
  return result;
}
