import type { PolicyShape } from '../policy/types';
import { cardMessage, facts, heading, openUrl, paragraph, title, type CardElement, type CardMessage } from './card-elements';
import { formatSeconds, percent, soakText, when } from './card-format';
import { STATUS_LINK, type RolloutRef } from './card-model';
import { needsNumberMatchingPrerequisites, prerequisitesFor } from './prerequisites';

/** The cards of an approval checkpoint: the request, the reminder and the decision. */

/** The ring's health as the sequential test judged it: Authenticator push outcomes only. */
export interface HealthModel {
  /** Authenticator push attempts of the ring's members. */
  signIns: number;
  failures: number;
  failureRate: number;
  maxFailureRate: number;
  minSignIns: number;
  state: 'insufficient' | 'healthy' | 'breached';
  /** The control's rate bound (users not yet in the ring), capped at the ceiling; null without control data. */
  baseline: number | null;
  /** The lowest rate the evidence allows, and the rate it must stay under. */
  lowerBound: number;
  threshold: number;
  /** Failed pushes by reason: declined, noResponse, wrongNumber, fraud, other. */
  reasons: Record<string, number>;
}

export interface ApprovalNeededModel extends RolloutRef {
  ring: string;
  target: string;
  soak: string;
  health: HealthModel | null;
  deadline: string;
  onTimeout: 'rollback' | 'pause';
  /** The ring that approval enables; absent when this is the last checkpoint. */
  next?: { ring: string; target: string };
  shape?: PolicyShape;
}

export function approvalNeededCard(model: ApprovalNeededModel): CardMessage {
  const goesTo = model.next ? `go on to ring ${model.next.ring} (${model.next.target})` : 'complete the rollout';
  const body: CardElement[] = [
    title(`Approval needed: rollout ${model.rolloutId}, ring ${model.ring}`, 'warning'),
    paragraph(`Ring ${model.ring} (${model.target}) has soaked for ${soakText(model.soak)} with ${model.feature} enabled. Approve to ${goesTo}, or reject to roll back.`),
    facts([
      ['Rollout', model.rolloutId],
      ['Feature', model.feature],
      ['Ring', model.ring],
      ['Target', model.target],
      ['Soak', soakText(model.soak)],
      ...healthFacts(model.health),
      ['Deadline', `${when(model.deadline)} (then ${model.onTimeout === 'rollback' ? 'automatic rollback' : 'the rollout pauses'})`],
    ]),
    heading('To decide, mention the rollout webhook in this channel and type:'),
    paragraph(`approve ${model.rolloutId} ${model.ring}`, { weight: 'bolder' }),
    paragraph(`reject ${model.rolloutId} ${model.ring} <reason>`, { weight: 'bolder' }),
  ];
  const checkpointTarget = model.next?.target ?? model.target;
  const reaching = { feature: model.feature, shape: model.shape, target: checkpointTarget };
  body.push(...prerequisitesFor(reaching));
  if (needsNumberMatchingPrerequisites(reaching)) body.push(paragraph('Approve only when both are confirmed.', { weight: 'bolder', color: 'warning' }));
  return cardMessage(body, openUrl(STATUS_LINK, model.statusUrl));
}

export interface ApprovalReminderModel extends RolloutRef {
  ring: string;
  deadline: string;
  now: Date;
  onTimeout: 'rollback' | 'pause';
}

export function approvalReminderCard(model: ApprovalReminderModel): CardMessage {
  const leftMs = Date.parse(model.deadline) - model.now.getTime();
  const left = Number.isNaN(leftMs) ? 'unknown time' : leftMs <= 0 ? 'no time' : leftMs < 60_000 ? 'less than a minute' : formatSeconds(Math.floor(leftMs / 60_000) * 60);
  const then = model.onTimeout === 'rollback' ? 'the rollout rolls back' : 'the rollout pauses';
  return cardMessage(
    [
      title(`Reminder: rollout ${model.rolloutId} is waiting for approval`, 'warning'),
      paragraph(`${left} left to approve or reject ring ${model.ring}; after ${when(model.deadline)} ${then}.`),
      facts([
        ['Rollout', model.rolloutId],
        ['Feature', model.feature],
        ['Ring', model.ring],
        ['Time left', left],
      ]),
      paragraph(`Mention the rollout webhook and type: approve ${model.rolloutId} ${model.ring}  or  reject ${model.rolloutId} ${model.ring} <reason>`, { weight: 'bolder' }),
    ],
    openUrl(STATUS_LINK, model.statusUrl),
  );
}

export interface ApprovalDecidedModel extends RolloutRef {
  ring: string;
  approved: boolean;
  by: string;
  reason?: string;
  /** The ring that comes next after an approval, if any. */
  nextRing?: string;
}

export function approvalDecidedCard(model: ApprovalDecidedModel): CardMessage {
  const outcome = model.approved
    ? model.nextRing
      ? `The rollout goes on to ring ${model.nextRing}.`
      : 'The rollout completes.'
    : 'The rollout rolls back to the snapshot taken before it started.';
  return cardMessage(
    [
      title(`Ring ${model.ring} ${model.approved ? 'approved' : 'refused'} by ${model.by}`, model.approved ? 'good' : 'attention'),
      paragraph(outcome),
      facts([
        ['Rollout', model.rolloutId],
        ['Feature', model.feature],
        ['Ring', model.ring],
        ['Decided by', model.by],
        ['Reason', model.reason ?? (model.approved ? undefined : 'none given')],
      ]),
    ],
    openUrl(STATUS_LINK, model.statusUrl),
  );
}

const REASON_NAMES: Readonly<Record<string, string>> = { declined: 'declined', noResponse: 'no response', wrongNumber: 'wrong number', fraud: 'fraud reported', other: 'other' };

function healthFacts(health: HealthModel | null): Array<[string, string]> {
  if (health === null) return [['Health', 'not measured yet']];
  const verdict =
    health.state === 'insufficient'
      ? `not enough evidence yet (${health.signIns} pushes; ${health.minSignIns} needed to call it healthy)`
      : health.state === 'breached'
        ? `BREACHED: the failure rate is at least ${percent(health.lowerBound)}, above ${percent(health.threshold)}`
        : `healthy: at most a ${percent(health.threshold)} failure rate is allowed, and the evidence stays under it`;
  const reasons = Object.entries(health.reasons)
    .filter(([, n]) => n > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${REASON_NAMES[reason] ?? reason}: ${n}`)
    .join(', ');
  const rows: Array<[string, string]> = [
    ['Authenticator pushes', String(health.signIns)],
    ['Push failures', `${health.failures} (${percent(health.failureRate)}; ceiling ${percent(health.maxFailureRate)})`],
    ['Baseline', health.baseline === null ? 'no control measured' : `${percent(health.baseline)} (users not yet in the ring)`],
    ['Health verdict', verdict],
  ];
  if (reasons !== '') rows.push(['Failure reasons', reasons]);
  return rows;
}
