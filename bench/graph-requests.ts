import type { RequestLogEntry } from '../src/local/tenant';
import type { DriveStep } from './ten-rings';
import { median } from './stats';

/**
 * Graph requests per ring transition, from the steps of a ten-ring drive. A step after an approval is exactly one ring
 * swap; a step after a timer is exactly one health check (the plan has one check per soak). The first step holds the
 * preflight and ring 1's swap; the swap is its last PATCH with the read before and the read-back(s) after.
 */

export interface RequestCounts {
  preflight: number;
  swap: CountSummary;
  healthCheck: CountSummary;
  /** method + path of one example of each, for the JSON output. */
  examples: { preflight: string[]; swap: string[]; healthCheck: string[] };
}

export interface CountSummary {
  samples: number;
  median: number;
  min: number;
  max: number;
}

export function countRequests(steps: readonly DriveStep[]): RequestCounts {
  const first = steps.find((s) => s.kind === 'start');
  if (!first) throw new Error('the drive has no start step');
  const lastPatch = first.requests.map((r) => r.method).lastIndexOf('PATCH');
  if (lastPatch < 1) throw new Error('the first step holds no ring swap (no PATCH after a read)');
  const preflight = first.requests.slice(0, lastPatch - 1);
  const swaps = [first.requests.slice(lastPatch - 1), ...steps.filter((s) => s.kind === 'approval').map((s) => s.requests)];
  const checks = steps.filter((s) => s.kind === 'timer').map((s) => s.requests);
  return {
    preflight: preflight.length,
    swap: summarise(swaps),
    healthCheck: summarise(checks),
    examples: { preflight: preflight.map(describe), swap: (swaps[1] ?? []).map(describe), healthCheck: (checks[0] ?? []).map(describe) },
  };
}

function summarise(groups: RequestLogEntry[][]): CountSummary {
  const counts = groups.map((g) => g.length);
  return { samples: counts.length, median: median(counts), min: Math.min(...counts), max: Math.max(...counts) };
}

function describe(r: RequestLogEntry): string {
  return `${r.method} ${r.path}`;
}
