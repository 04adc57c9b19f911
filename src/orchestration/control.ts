import { randomInt } from 'node:crypto';
import * as df from 'durable-functions';
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import type { RolloutPlan } from '../plan';
import { EVENTS, FEATURE_LOCK_ENTITY, ROLLOUT_ORCHESTRATOR } from './names';
import type { Actor, ControlEvent, RolloutInput, RolloutOutput, RolloutStatus, RolloutStatusName } from './types';
import { FINAL_STATUSES } from './types';

/**
 * Starting and steering rollouts through the durable client: shared by the HTTP API, the Teams webhook, the status
 * timer and the local demo, so that every door applies the same rules.
 */

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** Rollout ids are short enough to type in a chat, without look-alike characters (l/1, o/0). */
export function newRolloutId(): string {
  let id = 'r';
  for (let i = 0; i < 7; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/**
 * Instances the durable backend still runs: the status timer's filter, and how the start path tells a live holder of
 * the feature lock from one that ended without releasing it. (The rollout never continues-as-new.)
 */
const ACTIVE_RUNTIME: df.OrchestrationRuntimeStatus[] = [
  df.OrchestrationRuntimeStatus.Pending,
  df.OrchestrationRuntimeStatus.Running,
  df.OrchestrationRuntimeStatus.Suspended,
];

export type StartResult = { kind: 'started'; id: string; status: RolloutStatus } | { kind: 'conflict'; activeRolloutId: string };

export interface StartOptions {
  /** How long to wait for the feature lock's answer (real time). */
  lockWaitMs?: number;
  pollMs?: number;
  statusUrl?: (id: string) => string;
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
    if (holderStatus && ACTIVE_RUNTIME.includes(holderStatus.runtimeStatus)) return { kind: 'conflict', activeRolloutId: holder };
    replaceStaleHolder = holder;
  }

  const id = newRolloutId();
  const input: RolloutInput = { rolloutId: id, plan, startedBy };
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

export async function tryGetStatus(client: DurableClient, id: string): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(id, { showInput: false });
  } catch (error) {
    if (error instanceof Error && /HTTP 404/.test(error.message)) return undefined;
    throw error;
  }
}

/** The rollout status of an instance: its custom status while it runs, its output once it ended. */
export function rolloutStatusOf(instance: DurableOrchestrationStatus): RolloutStatus | undefined {
  const output = instance.output as RolloutOutput | null | undefined;
  const fromOutput = output && typeof output === 'object' && 'status' in output ? output.status : undefined;
  const custom = instance.customStatus as RolloutStatus | null | undefined;
  const status = fromOutput ?? (custom && typeof custom === 'object' ? custom : undefined);
  if (!status) return undefined;
  const runtime = String(instance.runtimeStatus);
  if (runtime === 'Terminated' && !FINAL_STATUSES.has(status.status)) {
    return { ...status, status: 'Failed', message: `Terminated outside the rollout (${status.message}); check the policy by hand.` };
  }
  if (runtime === 'Failed' && !FINAL_STATUSES.has(status.status)) {
    return { ...status, status: 'Failed', message: `The orchestration failed unexpectedly (${status.message}); check the policy by hand.` };
  }
  return status;
}

export type ControlAction = 'approve' | 'reject' | 'pause' | 'resume' | 'abort';

const ACTION_EVENTS: Record<ControlAction, string> = {
  approve: EVENTS.approval,
  reject: EVENTS.rejection,
  pause: EVENTS.pause,
  resume: EVENTS.resume,
  abort: EVENTS.abort,
};

/** Which statuses each action applies to. */
const ACTION_APPLIES: Record<ControlAction, ReadonlySet<RolloutStatusName>> = {
  approve: new Set(['AwaitingApproval']),
  reject: new Set(['AwaitingApproval']),
  pause: new Set(['Running', 'AwaitingApproval']),
  resume: new Set(['Paused']),
  abort: new Set(['Pending', 'Running', 'AwaitingApproval', 'Paused']),
};

export type ControlResult =
  | { kind: 'accepted'; id: string; event: string; status: RolloutStatus }
  | { kind: 'not-found'; id: string }
  | { kind: 'conflict'; id: string; status: RolloutStatusName; reason: string }
  | { kind: 'forbidden'; id: string; reason: string };

export interface ControlOptions {
  /** Separation of duties: the person who started a rollout may not approve it unless this is true. */
  allowSelfApproval?: boolean;
}

/** Raises the control event for `action` after checking that it applies to the rollout's current status. */
export async function controlRollout(
  client: DurableClient,
  id: string,
  action: ControlAction,
  actor: Actor,
  reason: string | undefined,
  options: ControlOptions = {},
): Promise<ControlResult> {
  const instance = await tryGetStatus(client, id);
  const status = instance ? rolloutStatusOf(instance) : undefined;
  if (!instance || !status || instance.name !== ROLLOUT_ORCHESTRATOR) return { kind: 'not-found', id };
  if (!ACTION_APPLIES[action].has(status.status)) {
    return { kind: 'conflict', id, status: status.status, reason: `cannot ${action} rollout ${id}: it is ${status.status}${describeApplies(action)}` };
  }
  if (action === 'approve' && !options.allowSelfApproval && sameActor(status.startedBy, actor)) {
    return { kind: 'forbidden', id, reason: `${actor.name} started rollout ${id} and cannot also approve it (separation of duties)` };
  }
  const event: ControlEvent = { actor };
  if (reason) event.reason = reason;
  if ((action === 'approve' || action === 'reject') && status.currentRing) event.ring = status.currentRing;
  await client.raiseEvent(id, ACTION_EVENTS[action], event);
  return { kind: 'accepted', id, event: ACTION_EVENTS[action], status };
}

/** The rollout statuses an action applies to (the Teams webhook picks the rollout a command means with it). */
export function statusesFor(action: ControlAction): RolloutStatusName[] {
  return [...ACTION_APPLIES[action]];
}

function describeApplies(action: ControlAction): string {
  return `; ${action} applies only when it is ${statusesFor(action).join(' or ')}`;
}

function sameActor(a: Actor, b: Actor): boolean {
  return a.id !== undefined && b.id !== undefined && a.id.toLowerCase() === b.id.toLowerCase();
}

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
