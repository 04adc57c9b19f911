import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import { ROLLOUT_ORCHESTRATOR } from '../names';
import type { RolloutStatus } from '../types';
import { rolloutStatusOf } from './describe';

/**
 * Instances the durable backend still runs: the status timer's filter, and how the start path tells a live holder of
 * the feature lock from one that ended without releasing it.
 */
export const ACTIVE_RUNTIME: df.OrchestrationRuntimeStatus[] = [
  df.OrchestrationRuntimeStatus.Pending,
  df.OrchestrationRuntimeStatus.Running,
  df.OrchestrationRuntimeStatus.Suspended,
  // Between two executions of a rollout that continued as new.
  df.OrchestrationRuntimeStatus.ContinuedAsNew,
];

/** How far back "recent" rollouts go, and how many a listing returns at most. */
export const RECENT_DAYS = 30;
export const MAX_LISTED = 100;

/**
 * Rollouts newest first: the active ones (running in the durable backend) only, or those created in the last 30 days.
 * Either way the backend filters, so the work does not grow with the task hub's whole history.
 */
export async function listRollouts(client: DurableClient, options: { activeOnly?: boolean; now?: Date } = {}): Promise<RolloutStatus[]> {
  const filter = options.activeOnly
    ? { runtimeStatus: ACTIVE_RUNTIME }
    : { createdTimeFrom: new Date((options.now ?? new Date()).getTime() - RECENT_DAYS * 86_400_000) };
  const instances = await client.getStatusBy(filter);
  return instances
    .filter((i) => i.name === ROLLOUT_ORCHESTRATOR)
    .sort((a, b) => new Date(b.createdTime).getTime() - new Date(a.createdTime).getTime())
    .map((i) => rolloutStatusOf(i))
    .filter((s): s is RolloutStatus => s !== undefined)
    .slice(0, MAX_LISTED);
}
