import type { RolloutPlan } from '../src/plan';
import type { RequestLogEntry } from '../src/local/tenant';
import { FINAL_STATUSES, type RolloutStatus } from '../src/rollout/types';
import type { Harness } from '../test/rollout/harness';
import type { TeamsCaller } from './teams-client';

/**
 * Drives one ten-ring rollout to its end through the Teams webhook: at every step a few signed `status` messages, and
 * at each checkpoint a signed `approve`, each timed; otherwise the virtual clock jumps to the next durable timer.
 * Records the Graph requests the emulated tenant saw in each step, for the per-transition counts.
 */

export type StepKind = 'start' | 'approval' | 'timer';

export interface DriveStep {
  /** What set this step off: the start, an approval (a ring swap follows) or a durable timer (a health check). */
  kind: StepKind;
  /** The rollout's status-history events this step added. */
  events: string[];
  /** Graph requests of the step, token requests (/msi/token) left out. */
  requests: RequestLogEntry[];
}

export interface DriveResult {
  id: string;
  final: RolloutStatus;
  steps: DriveStep[];
  statusMs: number[];
  approveMs: number[];
}

const MAX_STEPS = 100;

export async function driveThroughTeams(h: Harness, plan: RolloutPlan, caller: TeamsCaller, statusPerStep: number): Promise<DriveResult> {
  const id = await h.start(plan);
  const result: DriveResult = { id, final: await h.status(id), steps: [], statusMs: [], approveMs: [] };
  let kind: StepKind = 'start';
  let requestMark = 0;
  let historyMark = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    await h.host.idle();
    const status = await h.status(id);
    const requests = h.tenant.control.requests();
    result.steps.push({
      kind,
      events: status.history.filter((e) => e.seq >= historyMark).map((e) => e.event),
      requests: requests.slice(requestMark).filter((r) => r.path !== '/msi/token'),
    });
    requestMark = requests.length;
    historyMark = (status.history[status.history.length - 1]?.seq ?? -1) + 1;
    result.final = status;
    if (FINAL_STATUSES.has(status.status)) return result;

    for (let i = 0; i < statusPerStep; i++) {
      const timed = await caller.send(`status ${id}`);
      expectReply(timed.reply, 200, `Rollout ${id}`);
      result.statusMs.push(timed.ms);
    }
    if (status.status === 'AwaitingApproval') {
      const timed = await caller.send(`approve ${id}`);
      expectReply(timed.reply, 200, 'Approved by');
      result.approveMs.push(timed.ms);
      kind = 'approval';
      continue;
    }
    if (!(await h.host.advanceToNextTimer())) throw new Error(`rollout ${id} is ${status.status} with nothing left to wait for: ${status.message}`);
    kind = 'timer';
  }
  throw new Error(`rollout ${id} did not end within ${MAX_STEPS} steps`);
}

/** A bench that measured refusals would measure the wrong thing: every timed reply must be the intended answer. */
function expectReply(reply: { status: number; jsonBody: { text: string } }, status: number, textStart: string): void {
  if (reply.status !== status || !reply.jsonBody.text.startsWith(textStart)) {
    throw new Error(`the Teams webhook answered ${reply.status} "${reply.jsonBody.text}" where ${status} "${textStart}…" was expected`);
  }
}
