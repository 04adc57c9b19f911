import { createGraphGateway, type GraphRequestInfo } from '../src/graph';
import { emptyTally, firstSegment } from '../src/health';
import { emulatedGraphOptions, UNPACED_REPORTS } from '../src/local/connect';
import { DEMO, startEmulatedTenant } from '../src/local/tenant';
import { healthRuleOf, validatePlan, type RolloutPlan } from '../src/plan';
import { ALL_USERS } from '../src/policy/types';
import { checkHealth } from '../src/rollout/activities/health';
import { preflight } from '../src/rollout/activities/preflight';
import { plan as harnessPlan, startHarness } from '../test/rollout/harness';

/**
 * Enterprise scale: an emulated 100,000-user tenant with about 300,000 MFA sign-ins a day, and the 4-ring plan of
 * the issue (50, 5,000, 50,000 members, then all_users). Graph's reports limit is 5 requests per 10 s per tenant,
 * so a paced report request costs 2 s: "seconds" below are report requests x 2, what the real service would make
 * each of them wait. Then the virtual-clock cost of a P1D and a P7D soak with PT15M checks on the local host.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHECK_MS = 15 * 60_000;
const SECONDS_PER_REPORT_REQUEST = 2;
const RINGS = [DEMO.groups.early, DEMO.groups.wave1, DEMO.groups.wave2, ALL_USERS];

export interface ScaleResult {
  users: number;
  /** Per ring, report requests and paced seconds of one health check at 1 h, 1 d and 7 d into the soak. */
  healthChecks: Array<{ ring: string; atHours: number; requests: number; seconds: number }>;
  preflight: Array<{ rings: number; registrationReads: number; reportRequests: number; throttledSeconds: number }>;
  soaks: Array<{ soak: string; wallSeconds: number; executions: number; maxHistoryEvents: number; checks: number }>;
  peakRssMiB: number;
}

export async function measureScale(): Promise<ScaleResult> {
  let peakRss = process.memoryUsage().rss;
  const sample = (): void => void (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const soakStart = Date.parse('2026-11-02T08:00:00Z');
  const now = new Date(soakStart + 7 * DAY + 2 * HOUR);
  const tenant = await startEmulatedTenant({ users: DEMO.enterpriseUserCount, now: () => now, reportsThrottle: false });
  const requests: GraphRequestInfo[] = [];
  const graph = createGraphGateway({ ...emulatedGraphOptions(tenant), ...UNPACED_REPORTS, onRequest: (r) => requests.push(r) });
  const reportRequests = (from: number): number => requests.slice(from).filter((r) => /auditLogs|reports\//.test(r.path)).length;
  try {
    const healthChecks: ScaleResult['healthChecks'] = [];
    const rule = healthRuleOf(enterprisePlan(4).health);
    for (const target of RINGS) {
      // Membership is read once per soak: a first check reads it, the measured ones below do not.
      await checkHealth(graph, checkInput(target, soakStart, soakStart + CHECK_MS, rule));
      for (const atHours of [1, 24, 168]) {
        const mark = requests.length;
        const until = soakStart + atHours * HOUR;
        await checkHealth(graph, checkInput(target, soakStart, until, rule));
        const counted = reportRequests(mark);
        healthChecks.push({ ring: ringName(target), atHours, requests: counted, seconds: counted * SECONDS_PER_REPORT_REQUEST });
        sample();
      }
    }
    const preflights: ScaleResult['preflight'] = [];
    for (const rings of [4, 10]) {
      const mark = requests.length;
      await preflight(graph, { rolloutId: 'bench', plan: enterprisePlan(rings, tenant.control.addGroup.bind(tenant.control)) });
      const reads = requests.slice(mark).filter((r) => r.path.includes('userRegistrationDetails'));
      const pages = reads.length;
      const counted = reportRequests(mark);
      preflights.push({ rings, registrationReads: pages > 0 ? 1 : 0, reportRequests: counted, throttledSeconds: counted * SECONDS_PER_REPORT_REQUEST });
      sample();
    }
    const soaks: ScaleResult['soaks'] = [];
    for (const soak of ['P1D', 'P7D']) soaks.push(await measureSoak(soak, sample));
    return { users: DEMO.enterpriseUserCount, healthChecks, preflight: preflights, soaks, peakRssMiB: Math.round(peakRss / 2 ** 20) };
  } finally {
    await tenant.close();
  }
}

/** One check's input: the window of the PT15M before `untilMs`, as an incremental check reads it. */
function checkInput(target: string, soakStart: number, untilMs: number, rule: ReturnType<typeof healthRuleOf>): Parameters<typeof checkHealth>[1] {
  const tally = { ...emptyTally(), coveredUntilMs: untilMs - CHECK_MS, keptFromMs: untilMs - CHECK_MS };
  return {
    rolloutId: 'bench',
    feature: 'displayAppInformation',
    ring: ringName(target),
    target,
    since: new Date(soakStart).toISOString(),
    until: new Date(untilMs).toISOString(),
    overlapMs: 0,
    rule,
    progress: { tally, segment: firstSegment() },
    control: null,
  };
}

function ringName(target: string): string {
  return ({ [DEMO.groups.early]: 'early (50)', [DEMO.groups.wave1]: 'wave1 (5,000)', [DEMO.groups.wave2]: 'wave2 (50,000)' } as Record<string, string>)[target] ?? 'all_users';
}

/** The 4-ring plan; for 10 rings, six more groups nested inside wave2 before all_users. */
function enterprisePlan(rings: number, addGroup?: (group: { displayName: string; members?: string[] }) => { id: string }): RolloutPlan {
  const targets: string[] = [DEMO.groups.early, DEMO.groups.wave1, DEMO.groups.wave2];
  for (let extra = 0; targets.length < rings - 1 && addGroup; extra++) targets.push(addGroup({ displayName: `bench ring ${extra}`, members: [targets[targets.length - 1] ?? DEMO.groups.wave2] }).id);
  const checked = validatePlan({ feature: 'displayAppInformation', rings: [...targets, ALL_USERS].map((target, i) => ({ name: `ring-${i + 1}`, target, soak: 'P1D' })) });
  if (!checked.ok) throw new Error(`the scale plan is invalid: ${JSON.stringify(checked.errors)}`);
  return checked.plan;
}

/** A two-ring rollout with PT15M checks on the virtual clock: wall time and the longest execution's history. */
async function measureSoak(soak: string, sample: () => void): Promise<ScaleResult['soaks'][number]> {
  const h = await startHarness();
  try {
    const started = Date.now();
    const id = await h.start(
      harnessPlan({
        rings: [
          { name: 'pilot', target: DEMO.groups.pilot, soak, approval: false },
          { name: 'everyone', target: ALL_USERS, soak: 'PT1H', approval: false },
        ],
        health: { maxFailureRate: 0.25, minSignIns: 10, interval: 'PT15M' },
      }),
    );
    let maxHistoryEvents = 0;
    let checks = 0;
    for (let step = 0; step < 5_000; step++) {
      await h.host.idle();
      maxHistoryEvents = Math.max(maxHistoryEvents, h.host.durable.history(id).length);
      const instance = await h.client.getStatus(id);
      if (['Completed', 'Failed', 'Terminated'].includes(String(instance.runtimeStatus))) break;
      if (!(await h.host.advanceToNextTimer())) break;
      checks++;
      if (step % 50 === 0) sample();
    }
    const final = await h.status(id);
    if (final.status !== 'Completed') throw new Error(`the ${soak} soak ended ${final.status}: ${final.message}`);
    return { soak, wallSeconds: (Date.now() - started) / 1000, executions: h.host.durable.executionCount(id), maxHistoryEvents, checks };
  } finally {
    await h.close();
  }
}
