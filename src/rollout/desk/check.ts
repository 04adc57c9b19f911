import { accumulateWindow, emptyTally, failureRate, type SignInRecord } from '../../health';
import type { GraphGateway } from '../../graph';
import { durationMs, healthRuleOf, type RolloutPlan } from '../../plan';
import { ALL_USERS } from '../../policy/types';
import { preflight } from '../activities/preflight';
import type { PreflightResult } from '../types';

/**
 * A plan checked against the tenant before anything is written: the rollout's own preflight (groups, nesting, exclude
 * target, the Authenticator method, push registration per ring), and each ring's push failure rate over the plan's
 * look-back window, counted as the health gate counts it. Reads only.
 */

export interface RingBaseline {
  ring: string;
  target: string;
  /** Authenticator push attempts of the ring's members in the window, and how many failed. */
  attempts: number;
  failures: number;
  failureRate: number;
}

export interface PlanCheck {
  preflight: PreflightResult;
  baselines: RingBaseline[];
  baselineWindow: { from: string; to: string };
}

export async function checkPlan(graph: GraphGateway, plan: RolloutPlan, now: Date): Promise<PlanCheck> {
  const found = await preflight(graph, { rolloutId: 'plan', plan });
  const to = now;
  const from = new Date(now.getTime() - durationMs(healthRuleOf(plan.health).baselineWindow));
  const baselineWindow = { from: from.toISOString(), to: to.toISOString() };
  const existing = plan.rings.filter((ring) => found.rings.find((r) => r.ring === ring.name)?.exists);
  if (found.errors.length > 0 || existing.length === 0) return { preflight: found, baselines: [], baselineWindow };

  // One read of the window for every ring: records are sorted into rings by membership afterwards.
  const records: SignInRecord[] = [];
  for await (const page of graph.signIns({ from, to })) records.push(...(page as SignInRecord[]));
  const baselines: RingBaseline[] = [];
  for (const ring of existing) {
    const ids = ring.target === ALL_USERS ? null : await graph.memberIds(ring.target);
    const members = ids ? new Set([...ids].map((id) => id.toLowerCase())) : null;
    const { tally } = accumulateWindow(emptyTally(), records, { fromMs: from.getTime(), untilMs: to.getTime(), overlapMs: 0 }, (record) =>
      members === null || (typeof record.userId === 'string' && members.has(record.userId.toLowerCase())) ? 'ring' : null,
    );
    baselines.push({ ring: ring.name, target: ring.target, attempts: tally.ring.attempts, failures: tally.ring.failures, failureRate: failureRate(tally.ring) });
  }
  return { preflight: found, baselines, baselineWindow };
}
