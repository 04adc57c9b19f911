import { createHash } from 'node:crypto';
import * as df from 'durable-functions';
import type { DurableClient, EntityContext } from 'durable-functions';
import { DEFAULT_REPLAY_TTL_MS } from '../teams/replay-cache';

/**
 * Teams activity ids seen within the replay window, kept in a durable entity that every instance of the app shares,
 * so that a captured and correctly signed request is refused after a restart or on another instance too. The entity
 * holds digests of the ids still inside the window and drops the others at each claim, so it stays small.
 *
 * Reading the entity and then signalling it is not one atomic step: two instances that receive the same activity in
 * the same few milliseconds could both accept it. Each instance's in-memory cache still refuses a replay to itself.
 */

export const TEAMS_CLAIMS_ENTITY = 'teamsActivityClaims';
const CLAIMS_KEY = 'webhook';

interface Claims {
  /** digest -> epoch ms until which it is remembered. */
  seen: Record<string, number>;
}

interface Claim {
  digest: string;
  untilMs: number;
  nowMs: number;
}

export function teamsClaimsEntity(context: EntityContext<Claims>): void {
  const state = context.df.getState(() => ({ seen: {} })) ?? { seen: {} };
  if (context.df.operationName === 'claim') {
    const claim = context.df.getInput<Claim>();
    if (claim) {
      state.seen = Object.fromEntries(Object.entries(state.seen).filter(([, until]) => until > claim.nowMs));
      state.seen[claim.digest] = claim.untilMs;
    }
  }
  context.df.setState(state);
}

/** true when this is the first time the activity is seen; false for a replay. */
export async function claimActivity(client: DurableClient, key: string, now: Date): Promise<boolean> {
  const entity = new df.EntityId(TEAMS_CLAIMS_ENTITY, CLAIMS_KEY);
  const digest = createHash('sha256').update(key).digest('base64url').slice(0, 22);
  const current = await client.readEntityState<Claims>(entity);
  const until = current.entityExists ? current.entityState?.seen[digest] : undefined;
  if (until !== undefined && until > now.getTime()) return false;
  await client.signalEntity(entity, 'claim', { digest, untilMs: now.getTime() + DEFAULT_REPLAY_TTL_MS, nowMs: now.getTime() } satisfies Claim);
  return true;
}
