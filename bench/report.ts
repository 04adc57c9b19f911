import { formatHealthGate } from './health-gate';
import type { BenchReport } from './run';

/** The human-readable table of `npm run bench`. */

type Row = [measure: string, samples: string, result: string];

export function formatReport(r: BenchReport): string {
  const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const sections: [string, Row[]][] = [
    [
      '1. Cold load (whole `node -r preload -e require(entry)` process, median)',
      [
        ...r.coldLoad.subjects.map((s): Row => [`${s.name}, registers ${s.registered}`, String(s.samplesMs.length), ms(s.medianMs)]),
        ['ratio build/functions.js / hello-world bundle', '', `${r.coldLoad.bundleToHello.toFixed(2)}x`],
      ],
    ],
    [
      `2. Teams webhook in process (handleTeamsWebhook, HMAC-signed, ${r.teamsWebhook.rollouts} ten-ring rollouts running)`,
      [
        ['status <id>', String(r.teamsWebhook.status.samples), `p50 ${ms(r.teamsWebhook.status.p50Ms)}  p99 ${ms(r.teamsWebhook.status.p99Ms)}  max ${ms(r.teamsWebhook.status.maxMs)}`],
        ['approve <id> (accepted at a checkpoint)', String(r.teamsWebhook.approve.samples), `p50 ${ms(r.teamsWebhook.approve.p50Ms)}  p99 ${ms(r.teamsWebhook.approve.p99Ms)}  max ${ms(r.teamsWebhook.approve.maxMs)}`],
      ],
    ],
    [
      `3. Replay of a finished ${r.replay.ringCount}-ring history (${r.replay.historyEvents} events, ${r.replay.episodes} episodes)`,
      [
        ['whole history replayed once (the last episode)', String(r.replay.fullReplayRuns), `median ${ms(r.replay.fullReplayMedianMs)}  p99 ${ms(r.replay.fullReplayP99Ms)}`],
        ['replayPrefixes (every episode) / episodes', String(r.replay.prefixRuns), `${ms(r.replay.perEpisodeMedianMs)} per episode (deterministic: ${r.replay.deterministic ? 'yes' : 'NO'})`],
      ],
    ],
    [
      '4. Graph requests counted by the emulated tenant (token requests excluded)',
      [
        ['preflight (10 rings)', '1', String(r.graphRequests.preflight)],
        ['ring swap: read + PATCH + read-back', String(r.graphRequests.swap.samples), range(r.graphRequests.swap)],
        ['health check (group: members + sign-ins; all_users: sign-ins)', String(r.graphRequests.healthCheck.samples), range(r.graphRequests.healthCheck)],
      ],
    ],
    [
      '5. Injected health breach to verified rollback',
      [
        ['virtual time, Health.Breached to Rollback.Completed', String(r.breachToRollback.runs.length), `median ${r.breachToRollback.virtualSecondsMedian} s`],
        ['wall time, timer fires to host idle, rolled back', String(r.breachToRollback.runs.length), `median ${ms(r.breachToRollback.wallMsMedian)}`],
      ],
    ],
    [
      '6. Deployable package',
      [
        ['build/functions.js + source map', '', `${kib(r.packageSize.bundleBytes)} + ${kib(r.packageSize.sourceMapBytes)}`],
        [
          `node_modules the bundle requires (${r.packageSize.externalsClosure.externals.length} externals + deps)`,
          '',
          `${r.packageSize.externalsClosure.packages} packages, ${r.packageSize.externalsClosure.files} files, ${mib(r.packageSize.externalsClosure.bytes)}`,
        ],
        ['all production node_modules (npm ls --omit=dev)', '', `${r.packageSize.production.packages} packages, ${r.packageSize.production.files} files, ${mib(r.packageSize.production.bytes)}`],
      ],
    ],
  ];
  const width = Math.max(...sections.flatMap(([, rows]) => rows.map(([m]) => m.length)));
  const lines = [`authenticator-rollout bench: Node ${r.machine.node}, ${r.machine.cpus} x ${r.machine.cpuModel}, ${r.machine.platform}`, ''];
  for (const [title, rows] of sections) {
    lines.push(title);
    lines.push(`  ${'measure'.padEnd(width)}  ${'n'.padStart(3)}  result`);
    for (const [measure, samples, result] of rows) lines.push(`  ${measure.padEnd(width)}  ${samples.padStart(3)}  ${result}`);
    lines.push('');
  }
  lines.push(`7. ${formatHealthGate(r.healthGate).trimEnd()}`, '');
  lines.push(...formatScale(r), '');
  lines.push(`Whole bench: ${r.totalSeconds.toFixed(1)} s.`);
  return `${lines.join('\n')}\n`;
}

/** Section 8: the cost of a check, of preflight and of a long soak at enterprise scale, side by side. */
function formatScale(r: BenchReport): string[] {
  const s = r.scale;
  const lines = [`8. Enterprise scale: emulated ${s.users.toLocaleString('en-US')}-user tenant, ~300,000 MFA sign-ins a day; a paced report request costs 2 s (5 per 10 s)`];
  lines.push('  report requests (seconds) of one PT15M health check, at   1 h        1 d        7 d');
  const rings = [...new Set(s.healthChecks.map((c) => c.ring))];
  for (const ring of rings) {
    const at = (hours: number): string => {
      const c = s.healthChecks.find((x) => x.ring === ring && x.atHours === hours);
      return c ? `${c.requests} (${c.seconds} s)`.padEnd(11) : '-'.padEnd(11);
    };
    lines.push(`    ${ring.padEnd(56)}${at(1)}${at(24)}${at(168)}`);
  }
  for (const p of s.preflight) lines.push(`  preflight, ${p.rings} rings: ${p.registrationReads} registration read, ${p.reportRequests} report requests, ${p.throttledSeconds} s throttled`);
  const [p1, p7] = s.soaks;
  for (const soak of s.soaks) lines.push(`  ${soak.soak} soak, PT15M checks (${soak.checks} timers), virtual clock: ${soak.wallSeconds.toFixed(1)} s wall, ${soak.executions} executions, at most ${soak.maxHistoryEvents} history events in one`);
  if (p1 && p7) lines.push(`  P7D / P1D wall time: ${(p7.wallSeconds / p1.wallSeconds).toFixed(1)}x (linear is 7x)`);
  lines.push(`  peak memory of the bench process (local host and tenant): ${s.peakRssMiB} MiB`);
  return lines;
}

function range(c: { median: number; min: number; max: number }): string {
  return c.min === c.max ? String(c.median) : `median ${c.median} (min ${c.min}, max ${c.max})`;
}
