import { randomInt } from 'node:crypto';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { RolloutPlan } from '../../plan';
import { FEATURE_LOCK_ENTITY, ROLLOUT_ORCHESTRATOR } from '../names';
import { durationSetting } from '../../settings';
import { DEFAULT_SIGNIN_LAG, FINAL_STATUSES, type Actor, type RolloutInput, type RolloutSettings, type RolloutStatus } from '../types';
import { rolloutStatusOf, tryGetStatus } from './describe';
import { ACTIVE_RUNTIME } from './list';

/** Starting a rollout: shared by the HTTP API and the local demo, so that every door applies the same rules. */

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** Rollout ids are short enough to type in a chat, without look-alike characters (l/1, o/0). */
export function newRolloutId(): string {
  let id = 'r';
  for (let i = 0; i < 7; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

export type StartResult = { kind: 'started'; id: string; status: RolloutStatus } | { kind: 'conflict'; activeRolloutId: string };

export interface StartOptions {
  /** How long to wait for the feature lock's answer (real time). */
  lockWaitMs?: number;
  pollMs?: number;
  statusUrl?: (id: string) => string;
  /** Default: read from the app settings. */
  settings?: RolloutSettings;
}

/** The settings a rollout keeps from its start: it reads no environment itself (replays must not depend on it). */
export function rolloutSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RolloutSettings {
  // Zero is a valid lag (windows then tile exactly), where other durations must be positive.
  const lag = env.ROLLOUT_SIGNIN_LAG?.trim() ?? '';
  return { signInLagMs: /^P(0+[DW]|T0+[HMS])$/i.test(lag) ? 0 : durationSetting('ROLLOUT_SIGNIN_LAG', lag, DEFAULT_SIGNIN_LAG).ms };
}

/**
 * Starts a rollout unless one of the same feature is active. The feature-lock entity decides atomically; this only
 * reads the lock first to answer quickly and to recognise a holder that ended without releasing it.
 */
export async function startRollout(client: DurableClient, plan: RolloutPlan, startedBy: Actor, options: StartOptions = {}): Promise<StartResult> {
  const lockId = new df.EntityId(FEATURE_LOCK_ENTITY, plan.feature);
  let replaceStaleHolder: string | undefined;
  const lock = await client.readEntityState<{ holder: string | null }>(lockId);
  const holder = lock.entityExists ? lock.entityState?.holder : null;
  if (holder) {
    const holderStatus = await tryGetStatus(client, holder);
    // A holder that already says it ended (its last episode is still releasing the lock) is not active.
    const ended = holderStatus ? FINAL_STATUSES.has(rolloutStatusOf(holderStatus)?.status ?? 'Running') : true;
    if (holderStatus && ACTIVE_RUNTIME.includes(holderStatus.runtimeStatus) && !ended) return { kind: 'conflict', activeRolloutId: holder };
    replaceStaleHolder = holder;
  }

  const id = newRolloutId();
  const input: RolloutInput = { rolloutId: id, plan, startedBy, settings: options.settings ?? rolloutSettingsFromEnv() };
  if (replaceStaleHolder) input.replaceStaleHolder = replaceStaleHolder;
  if (options.statusUrl) input.statusUrl = options.statusUrl(id);
  await client.startNew(ROLLOUT_ORCHESTRATOR, { instanceId: id, input });

  const deadline = Date.now() + (options.lockWaitMs ?? 30_000);
  for (;;) {
    const status = await tryGetStatus(client, id);
    const custom = status ? rolloutStatusOf(status) : undefined;
    if (custom && custom.status !== 'Pending') {
      if (custom.activeRolloutId) {
        // Refused by the lock: this attempt never became a rollout, so it leaves no record behind.
        await client.purgeInstanceHistory(id);
        return { kind: 'conflict', activeRolloutId: custom.activeRolloutId };
      }
      return { kind: 'started', id, status: custom };
    }
    if (Date.now() > deadline) throw new Error(`rollout ${id} was started but did not take the ${plan.feature} lock within ${options.lockWaitMs ?? 30_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
  }
}

