import { createHash } from 'node:crypto';
import type { DurableClient, OrchestrationContext, Task } from 'durable-functions';
import { DEFAULT_REPLAY_TTL_MS } from '../teams/replay-cache';

/**
 * Teams activity ids, claimed in the durable store that every instance of the app shares, so that a captured and
 * correctly signed request is refused after a restart or on another instance too. A claim is an orchestration named
 * after the activity that lives as long as the id could be replayed; starting it a second time fails while it runs.
 */

export const TEAMS_CLAIM_ORCHESTRATOR = 'teamsActivityClaim';

export function* teamsClaimOrchestrator(context: OrchestrationContext): Generator<Task, void, unknown> {
  const { until } = context.df.getInput<{ until: string }>();
  yield context.df.createTimer(new Date(until));
}

/** true when this is the first time the activity is seen; false for a replay. */
export async function claimActivity(client: DurableClient, key: string, now: Date): Promise<boolean> {
  const instanceId = `teams-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
  try {
    await client.startNew(TEAMS_CLAIM_ORCHESTRATOR, { instanceId, input: { until: new Date(now.getTime() + DEFAULT_REPLAY_TTL_MS).toISOString() } });
    return true;
  } catch (error) {
    // Refused because the claim exists: a replay. Anything else (the store unreachable) is not for us to decide.
    const existing = await client.getStatus(instanceId).catch(() => undefined);
    if (existing?.name === TEAMS_CLAIM_ORCHESTRATOR) return false;
    throw error;
  }
}
