import { validatePlan, type RolloutPlan } from '../src/plan';
import { DEMO } from '../src/local/tenant';
import { FINAL_STATUSES } from '../src/rollout/types';
import type { Harness } from '../test/rollout/harness';
import { elapsedMs, median } from './stats';

/**
 * From an injected health breach to a verified rollback: half of the first ring's Authenticator pushes fail, and each run starts a
 * rollout and lets the virtual clock run until it has rolled back. Virtual time is from the Health.Breached entry (the
 * first check that saw the breach) to the Rollback.Completed entry; wall time is the step that holds both: the
 * durable timer fires, the health check runs, the rollback writes and verifies, the host goes idle.
 */

export interface RollbackRun {
  virtualSeconds: number;
  wallMs: number;
  /** Health checks that ran before the one that saw the breach. */
  healthyChecks: number;
}

export interface RollbackResult {
  runs: RollbackRun[];
  virtualSecondsMedian: number;
  wallMsMedian: number;
}

const MAX_STEPS = 50;
const DAY_MS = 86_400_000;

function breachPlan(): RolloutPlan {
  const checked = validatePlan({
    feature: 'displayAppInformation',
    rings: [
      // Fifty users push often enough for the sequential gate to see a breach within the soak every time.
      { name: 'pilot', target: DEMO.groups.early, soak: 'P1D', approval: true },
      { name: 'everyone', target: 'all_users', soak: 'PT12H' },
    ],
    health: { maxFailureRate: 0.05, minSignIns: 10, interval: 'PT3H' },
  });
  if (!checked.ok) throw new Error(`the breach plan is invalid: ${JSON.stringify(checked.errors)}`);
  return checked.plan;
}

export async function measureBreachToRollback(h: Harness, runs: number): Promise<RollbackResult> {
  const from = h.now();
  h.tenant.control.addIncident({ target: DEMO.groups.early, from, to: new Date(from.getTime() + 365 * DAY_MS), failureRate: 0.5 });
  try {
    const results: RollbackRun[] = [];
    for (let run = 0; run < runs; run++) results.push(await oneRun(h, breachPlan()));
    return { runs: results, virtualSecondsMedian: median(results.map((r) => r.virtualSeconds)), wallMsMedian: median(results.map((r) => r.wallMs)) };
  } finally {
    h.tenant.control.clearIncidents();
  }
}

async function oneRun(h: Harness, plan: RolloutPlan): Promise<RollbackRun> {
  const id = await h.start(plan);
  await h.host.idle();
  let healthyChecks = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    const before = await h.status(id);
    if (FINAL_STATUSES.has(before.status)) throw new Error(`rollout ${id} ended ${before.status} before any breach: ${before.message}`);
    const start = process.hrtime.bigint();
    if (!(await h.host.advanceToNextTimer())) throw new Error(`rollout ${id} has nothing left to wait for: ${before.message}`);
    const wallMs = elapsedMs(start);
    const after = await h.status(id);
    const breached = after.history.find((e) => e.event === 'Health.Breached');
    if (!breached) {
      healthyChecks++;
      continue;
    }
    const completed = after.history.find((e) => e.event === 'Rollback.Completed');
    if (!completed || after.status !== 'RolledBack') throw new Error(`rollout ${id} saw the breach but is ${after.status}: ${after.message}`);
    return { virtualSeconds: (Date.parse(completed.at) - Date.parse(breached.at)) / 1000, wallMs, healthyChecks };
  }
  throw new Error(`rollout ${id} saw no breach within ${MAX_STEPS} timer steps`);
}
