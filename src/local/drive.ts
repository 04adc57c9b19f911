import type { DurableClient } from 'durable-functions';
import { controlRollout, type ControlAction } from '../rollout/desk/control';
import { rolloutStatusOf, tryGetStatus } from '../rollout/desk/describe';
import { FINAL_STATUSES, type Actor, type RolloutStatus } from '../rollout/types';

/** What an approver does at a checkpoint: decide, or let time pass (approval timeouts). */
export type ApprovalDecision = { action: ControlAction; actor: Actor; reason?: string } | 'wait';

export interface DriveOptions {
  /** Called at every AwaitingApproval status. */
  onApproval: (status: RolloutStatus) => ApprovalDecision;
  /** Stop early when this holds. */
  until?: (status: RolloutStatus) => boolean;
  /** Sees every status read, e.g. to print a timeline. */
  onStatus?: (status: RolloutStatus) => void;
  /** Safety bound on steps (timer jumps and decisions). */
  maxSteps?: number;
}

export interface VirtualHost {
  idle(): Promise<void>;
  advanceToNextTimer(): Promise<Date | null>;
}

/**
 * Drives a rollout on a local host with a virtual clock: waits until the host is idle, reads the status, answers a
 * checkpoint or jumps to the next durable timer. Returns when the rollout ends, when `until` holds, or when nothing
 * is left to wait for (the caller decides whether that status is what it expected).
 */
export async function driveRollout(host: VirtualHost, client: DurableClient, id: string, options: DriveOptions): Promise<RolloutStatus> {
  const maxSteps = options.maxSteps ?? 2_000;
  let status: RolloutStatus | undefined;
  for (let step = 0; step < maxSteps; step++) {
    await host.idle();
    const instance = await tryGetStatus(client, id);
    status = (instance && rolloutStatusOf(instance)) ?? status;
    if (!status) throw new Error(`rollout ${id} has no status`);
    options.onStatus?.(status);
    if (options.until?.(status) || FINAL_STATUSES.has(status.status)) return status;
    if (status.status === 'AwaitingApproval') {
      const decision = options.onApproval(status);
      if (decision !== 'wait') {
        const result = await controlRollout(client, id, decision.action, decision.actor, decision.reason);
        if (result.kind !== 'accepted') throw new Error(`${decision.action} was refused: ${JSON.stringify(result)}`);
        continue;
      }
    }
    if (!(await host.advanceToNextTimer())) return status;
  }
  throw new Error(`rollout ${id} did not settle within ${maxSteps} steps: ${status?.status ?? 'no status'} ${status?.message ?? ''}`);
}
