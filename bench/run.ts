import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { measureColdLoad, type ColdLoadResult } from './cold-load';
import { countRequests, type RequestCounts } from './graph-requests';
import { measurePackageSize, type PackageSizeResult } from './package-size';
import { addNestedRingGroups, RING_COUNT, startRehearsal, tenRingPlan } from './rehearsal';
import { measureReplay, type ReplayResult } from './replay';
import { measureHealthGate, type HealthGateResult } from './health-gate';
import { measureScale, type ScaleResult } from './scale';
import { measureBreachToRollback, type RollbackResult } from './rollback';
import { median, percentile } from './stats';
import { formatReport } from './report';
import { TeamsCaller } from './teams-client';
import { driveThroughTeams } from './ten-rings';

/**
 * `npm run bench`: every figure measured in one run on this machine, printed as a table (or JSON with `--json`).
 * Needs `npm run build` first (the script does it): the cold load and the package size read build/functions.js.
 */

export const REPO_ROOT = resolve(__dirname, '../..');

/** Sample counts: enough for stable medians, small enough for the whole bench to stay well under two minutes. */
export const SAMPLES = { coldLoadRuns: 7, teamsRollouts: 12, statusPerStep: 1, fullReplays: 21, prefixReplays: 3, breachRuns: 7 } as const;

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface BenchReport {
  machine: { node: string; cpus: number; cpuModel: string; platform: string };
  coldLoad: ColdLoadResult;
  teamsWebhook: { status: LatencySummary; approve: LatencySummary; rollouts: number };
  replay: ReplayResult & { ringCount: number };
  graphRequests: RequestCounts;
  breachToRollback: RollbackResult;
  packageSize: PackageSizeResult;
  healthGate: HealthGateResult;
  scale: ScaleResult;
  totalSeconds: number;
}

export async function runBench(): Promise<BenchReport> {
  const started = Date.now();
  const packageSize = measurePackageSize(REPO_ROOT);
  const coldLoad = await measureColdLoad(REPO_ROOT, SAMPLES.coldLoadRuns);

  const h = await startRehearsal();
  try {
    const plan = tenRingPlan(addNestedRingGroups(h.tenant));
    const caller = new TeamsCaller(h.client);
    const statusMs: number[] = [];
    const approveMs: number[] = [];
    let first: Awaited<ReturnType<typeof driveThroughTeams>> | undefined;
    for (let rollout = 0; rollout < SAMPLES.teamsRollouts; rollout++) {
      const drive = await driveThroughTeams(h, plan, caller, SAMPLES.statusPerStep);
      if (drive.final.status !== 'Completed') throw new Error(`ten-ring rollout ${drive.id} ended ${drive.final.status}: ${drive.final.message}`);
      first ??= drive;
      statusMs.push(...drive.statusMs);
      approveMs.push(...drive.approveMs);
    }
    if (!first) throw new Error('no ten-ring rollout ran');
    // The first rollout is measured for requests: later ones start with all_users already enabled by the one before.
    const graphRequests = countRequests(first.steps);
    const replay = await measureReplay(h.host, first.id, SAMPLES.fullReplays, SAMPLES.prefixReplays);
    const breachToRollback = await measureBreachToRollback(h, SAMPLES.breachRuns);
    const cpu = cpus();
    // Pure computation on simulated streams, so it runs after the rehearsal host has done its timing-sensitive part.
    const healthGate = measureHealthGate();
    const scale = await measureScale();
    return {
      machine: { node: process.version, cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', platform: `${process.platform} ${process.arch}` },
      coldLoad,
      teamsWebhook: { status: latency(statusMs), approve: latency(approveMs), rollouts: SAMPLES.teamsRollouts },
      replay: { ...replay, ringCount: RING_COUNT },
      graphRequests,
      breachToRollback,
      packageSize,
      healthGate,
      scale,
      totalSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await h.close();
  }
}

function latency(samples: number[]): LatencySummary {
  return { samples: samples.length, p50Ms: median(samples), p99Ms: percentile(samples, 99), maxMs: Math.max(...samples) };
}

if (require.main === module) {
  const json = process.argv.includes('--json');
  runBench().then(
    (report) => process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report)),
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
