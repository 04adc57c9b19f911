import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import { percent } from '../../teams/card-format';
import { FINAL_STATUSES, type HealthFigures, type RolloutOutput, type RolloutStatus } from '../types';

/** Reading a rollout: its status from the durable backend, and the sentences people read about it. */

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

/** A health check in one line, for people: the Teams status answer and the demo timeline. */
export function describeHealth(h: HealthFigures): string {
  const verdict = h.state === 'breached' ? 'BREACHED' : h.state === 'healthy' ? 'healthy' : 'not enough evidence yet';
  const baseline = h.baseline === null ? '' : `, baseline ${percent(h.baseline)}`;
  return `ring ${h.ring}: ${h.signIns} Authenticator pushes since ${stamp(h.since)}, ${h.failures} failed (${percent(h.failureRate)}${baseline}) -> ${verdict}`;
}

/** "Mon 30 Nov 08:15" in UTC: a rollout spans days, so the day matters as much as the hour. */
export function stamp(iso: string): string {
  const d = new Date(iso);
  const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: '2-digit', month: 'short', timeZone: 'UTC' }).replace(/,/g, '');
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hour12: false });
  return `${day} ${time}`;
}
