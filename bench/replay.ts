import type { LocalHost } from '../src/local/host';
import { EventType, type HistoryEvent } from '../src/local/durable';
import { runOrchestrator } from '../src/local/durable/episode';
import type { InstanceRecord } from '../src/local/durable/instance';
import type { RolloutOutput } from '../src/rollout/types';
import { ROLLOUT_ORCHESTRATOR } from '../src/rollout/names';
import { elapsedMs, median, percentile } from './stats';

/**
 * Replay of a finished rollout's history: (a) the orchestrator invoked once with the whole history, every event
 * played, as the last episode of a long rollout is; (b) `replayPrefixes`, which replays every episode's prefix and
 * checks determinism, divided by its episode count.
 */

export interface ReplayResult {
  historyEvents: number;
  episodes: number;
  fullReplayRuns: number;
  fullReplayMs: number[];
  fullReplayMedianMs: number;
  fullReplayP99Ms: number;
  prefixRuns: number;
  /** Wall time of each `replayPrefixes` call (all episodes). */
  allPrefixesMs: number[];
  perEpisodeMedianMs: number;
  deterministic: boolean;
}

export async function measureReplay(host: LocalHost, instanceId: string, fullRuns: number, prefixRuns: number): Promise<ReplayResult> {
  const history = host.durable.history(instanceId);
  const record = recordFromHistory(instanceId, history);
  const fn = host.registry.get(ROLLOUT_ORCHESTRATOR);
  const played = history.map((e) => ({ ...e, IsPlayed: true }));

  const fullReplayMs: number[] = [];
  for (let run = 0; run < fullRuns; run++) {
    const start = process.hrtime.bigint();
    const outcome = await runOrchestrator(fn, record, played);
    fullReplayMs.push(elapsedMs(start));
    // A replay that stopped early or failed would be fast and wrong.
    const output = outcome.output as RolloutOutput | undefined;
    if (!outcome.isDone || output?.status.status !== 'Completed') throw new Error(`replaying ${instanceId} did not reach Completed: ${outcome.error ?? 'not done'}`);
  }

  const allPrefixesMs: number[] = [];
  let episodes = 0;
  let deterministic = true;
  for (let run = 0; run < prefixRuns; run++) {
    const start = process.hrtime.bigint();
    const report = await host.durable.replayPrefixes(instanceId);
    allPrefixesMs.push(elapsedMs(start));
    episodes = report.episodes;
    deterministic &&= report.deterministic;
  }
  return {
    historyEvents: history.length,
    episodes,
    fullReplayRuns: fullRuns,
    fullReplayMs,
    fullReplayMedianMs: median(fullReplayMs),
    fullReplayP99Ms: percentile(fullReplayMs, 99),
    prefixRuns,
    allPrefixesMs,
    perEpisodeMedianMs: median(allPrefixesMs) / Math.max(1, episodes),
    deterministic,
  };
}

/** The orchestration trigger needs the instance id and its input, which the ExecutionStarted event carries. */
function recordFromHistory(instanceId: string, history: HistoryEvent[]): InstanceRecord {
  const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
  if (!started) throw new Error(`the history of ${instanceId} has no ExecutionStarted event`);
  return {
    instanceId,
    name: ROLLOUT_ORCHESTRATOR,
    executionId: started.OrchestrationInstance?.ExecutionId ?? instanceId,
    input: started.Input,
    runtimeStatus: 'Completed',
    createdTime: started.Timestamp,
    lastUpdatedTime: started.Timestamp,
    customStatus: null,
    output: null,
    history,
    inbox: [],
    cancelledTimers: [],
  };
}
