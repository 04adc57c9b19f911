import type { DurableClient } from 'durable-functions';
import { EVENTS, ROLLOUT_ORCHESTRATOR } from '../names';
import type { Actor, ControlEvent, RolloutStatus, RolloutStatusName } from '../types';
import { rolloutStatusOf, tryGetStatus } from './describe';

/**
 * Steering a rollout through the durable client: shared by the HTTP API, the Teams webhook and the local demo, so
 * that every door applies the same rules.
 */

/** ROLLOUT_ALLOW_SELF_APPROVAL: whether the person who started a rollout may also approve it (off: four eyes). */
export function selfApprovalAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ROLLOUT_ALLOW_SELF_APPROVAL === 'true';
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
  | { kind: 'conflict'; id: string; status: RolloutStatusName; reason: string; currentRing?: string }
  | { kind: 'forbidden'; id: string; reason: string };

export interface ControlOptions {
  /** Separation of duties: the person who started a rollout may not approve it unless this is true. */
  allowSelfApproval?: boolean;
  /** Approve or reject: the ring the decision is about, as the approver was shown it (refused for another ring). */
  ring?: string;
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
  const decidesRing = action === 'approve' || action === 'reject';
  const checkpointRing = status.approval?.ring ?? status.currentRing;
  if (decidesRing && options.ring !== undefined && options.ring !== checkpointRing) {
    // The approver saw a card or a reminder for another ring: this decision is not about the checkpoint open now.
    return {
      kind: 'conflict',
      id,
      status: status.status,
      reason: `cannot ${action} ring ${options.ring} of rollout ${id}: it is waiting for approval of ring ${checkpointRing ?? '(none)'}`,
      ...(checkpointRing ? { currentRing: checkpointRing } : {}),
    };
  }
  if (action === 'approve' && !options.allowSelfApproval && sameActor(status.startedBy, actor)) {
    return { kind: 'forbidden', id, reason: `${actor.name} started rollout ${id} and cannot also approve it (separation of duties)` };
  }
  const event: ControlEvent = { actor };
  if (reason) event.reason = reason;
  if (decidesRing && checkpointRing) event.ring = checkpointRing;
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
