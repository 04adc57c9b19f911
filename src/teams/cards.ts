import type { Feature, PolicyShape, RollbackMode } from '../policy/types';
import { bullets, cardMessage, facts, heading, openUrl, paragraph, title, type CardElement, type CardMessage } from './card-elements';
import { formatSeconds, percent, plural, soakText, when } from './card-format';
import { STATUS_LINK, type RolloutRef } from './card-model';
import { prerequisitesFor } from './prerequisites';
import { approvalDecidedCard, approvalNeededCard, type ApprovalDecidedModel, type ApprovalNeededModel } from './approval-cards';

/**
 * One builder per notification the rollout sends to its Teams channel. Each takes a plain model (no orchestration
 * types) and says what happened, what it means and, where someone must act, exactly what to do.
 */

export { textReply } from './card-elements';
export type { CardMessage, TextMessage } from './card-elements';
export type { RolloutRef } from './card-model';
export * from './approval-cards';

/** A digest lists at most this many rollouts, so that the card stays small. */
export const MAX_DIGEST_ROLLOUTS = 25;

export interface RingSummary {
  name: string;
  target: string;
  soak: string;
  approval: boolean;
  /** Preflight figures, when known. */
  members?: number;
  pushRegistered?: number;
}

export interface RolloutStartedModel extends RolloutRef {
  startedBy: string;
  rings: RingSummary[];
  shape?: PolicyShape;
  approvalTimeout: string;
  onApprovalTimeout: 'rollback' | 'pause';
  maxFailureRate: number;
  minSignIns: number;
  /** Tolerance above the baseline, and the false-rollback rate the test keeps to over the whole soak. */
  maxIncrease: number;
  falseRollbackRate: number;
  rollback: RollbackMode;
  /** The target the feature was enabled for before the rollout (recorded in the snapshot). */
  enabledTargetBefore?: string | null;
  warnings: string[];
}

export function rolloutStartedCard(model: RolloutStartedModel): CardMessage {
  const body: CardElement[] = [
    title(`Rollout ${model.rolloutId} started: ${model.feature}`),
    paragraph(`${model.startedBy} started a staged rollout of ${model.feature} through ${model.rings.length} ${plural(model.rings.length, 'ring')}. A snapshot of the policy was taken before any change.`),
    facts([
      ['Feature', model.feature],
      ['Policy shape', model.shape],
      ['Enabled before', model.enabledTargetBefore === undefined ? undefined : (model.enabledTargetBefore ?? 'nobody')],
      [
        'Health gate',
        `rollback when the ring's Authenticator pushes fail, at ${percent(1 - model.falseRollbackRate)} confidence, more often than ${percent(model.maxFailureRate)} or than the baseline + ${percent(model.maxIncrease)} (healthy after ${model.minSignIns} pushes)`,
      ],
      ['Approval timeout', `${soakText(model.approvalTimeout)}, then ${model.onApprovalTimeout}`],
      ['Rollback mode', model.rollback],
    ]),
    heading('Plan'),
    bullets(model.rings.map((ring, index) => ringLine(ring, index))),
  ];
  if (model.warnings.length > 0) {
    body.push(heading('Preflight warnings'), bullets(model.warnings, 'warning'));
  } else {
    body.push(paragraph('Preflight found nothing to warn about.', { subtle: true }));
  }
  // Told up front: a valid plan always ends with all_users.
  body.push(...prerequisitesFor({ feature: model.feature, shape: model.shape, target: model.rings.at(-1)?.target ?? null }));
  return cardMessage(body, openUrl(STATUS_LINK, model.statusUrl));
}

export interface RingEnabledModel extends RolloutRef {
  ring: string;
  target: string;
  members?: number;
  /** 1-based position of the ring in the plan. */
  position?: number;
  ringCount?: number;
  soak: string;
  /** When the soak ends and the next checkpoint comes (ISO 8601). */
  nextCheckpointAt?: string | null;
}

export function ringEnabledCard(model: RingEnabledModel): CardMessage {
  const of = model.position !== undefined && model.ringCount !== undefined ? ` (ring ${model.position} of ${model.ringCount})` : '';
  return cardMessage(
    [
      title(`Ring ${model.ring} enabled${of}`, 'good'),
      paragraph(`${model.feature} is now enabled for ${model.target}. The soak has started; sign-in health is watched until the next checkpoint.`),
      facts([
        ['Rollout', model.rolloutId],
        ['Ring', model.ring],
        ['Target', model.target],
        ['Members', model.members],
        ['Soak', soakText(model.soak)],
        ['Next checkpoint', model.nextCheckpointAt ? when(model.nextCheckpointAt) : undefined],
      ]),
    ],
    openUrl(STATUS_LINK, model.statusUrl),
  );
}

export interface RollbackModel extends RolloutRef {
  reason: string;
  by?: string;
  mode: RollbackMode;
  /** What was restored, in words (e.g. "numberMatching back to default for all_users"). */
  restored: string;
  /** true when the tenant was read back and shows the restored state. */
  verified: boolean;
  enabledTarget: string | null;
}

export function rollbackCard(model: RollbackModel): CardMessage {
  const body: CardElement[] = model.verified
    ? [
        title(`Rollout ${model.rolloutId} rolled back`, 'attention'),
        paragraph(`Rolled back because ${model.reason}. The tenant was read back and shows the restored state.`),
      ]
    : [
        title(`ROLLBACK NOT VERIFIED: rollout ${model.rolloutId}`, 'attention'),
        paragraph(
          `The rollback was written but reading the tenant back does NOT show the restored state. ${model.feature} may still be enabled for ${model.enabledTarget ?? 'an unknown target'}. Check the Microsoft Authenticator settings in the Entra admin center NOW and restore them by hand if needed.`,
          { color: 'attention', weight: 'bolder' },
        ),
        paragraph(`Rolled back because ${model.reason}.`),
      ];
  body.push(
    facts([
      ['Rollout', model.rolloutId],
      ['Feature', model.feature],
      ['Restored', model.restored],
      ['Rollback mode', model.mode === 'snapshot' ? 'snapshot (the exact pre-rollout entry)' : 'default (state back to default, pre-rollout target)'],
      ['Enabled target now', model.enabledTarget ?? 'nobody'],
      ['Verified', model.verified ? 'yes' : 'NO'],
      ['Requested by', model.by],
    ]),
  );
  return cardMessage(body, openUrl(STATUS_LINK, model.statusUrl));
}

export interface CompletedModel extends RolloutRef {
  /** The target the feature is enabled for at the end. */
  target: string | null;
  rings: string[];
  startedBy?: string;
  startedAt?: string;
  completedAt?: string;
  /** Why it ended early, e.g. "number matching is already enforced by Microsoft". */
  note?: string;
}

export function completedCard(model: CompletedModel): CardMessage {
  const took = model.startedAt && model.completedAt ? (Date.parse(model.completedAt) - Date.parse(model.startedAt)) / 1000 : Number.NaN;
  return cardMessage(
    [
      title(`Rollout ${model.rolloutId} completed: ${model.feature}`, 'good'),
      paragraph(
        model.note ?? `${model.feature} is enabled for ${model.target ?? 'nobody'} after ${model.rings.length} ${plural(model.rings.length, 'ring')}: ${model.rings.join(', ')}.`,
      ),
      facts([
        ['Rollout', model.rolloutId],
        ['Feature', model.feature],
        ['Enabled target', model.target ?? 'nobody'],
        ['Started by', model.startedBy],
        ['Took', Number.isFinite(took) && took >= 0 ? formatSeconds(took) : undefined],
      ]),
    ],
    openUrl(STATUS_LINK, model.statusUrl),
  );
}

export interface DriftModel extends RolloutRef {
  /** What changed, in words. */
  changes: string[];
  expectedTarget: string | null;
  observedTarget: string | null;
  /** What the rollout did about it, e.g. "paused". */
  action: string;
}

export function driftCard(model: DriftModel): CardMessage {
  return cardMessage(
    [
      title(`Drift: the policy changed outside rollout ${model.rolloutId}`, 'warning'),
      paragraph(`Someone or something changed ${model.feature} in the tenant while the rollout was running. The rollout ${model.action}.`),
      bullets(model.changes.length > 0 ? model.changes : ['no details were recorded']),
      facts([
        ['Rollout', model.rolloutId],
        ['Expected target', model.expectedTarget ?? 'nobody'],
        ['Observed target', model.observedTarget ?? 'nobody'],
      ]),
      paragraph(`Find out who changed it, then type: resume ${model.rolloutId} (keep going from here) or abort ${model.rolloutId} (roll back).`),
    ],
    openUrl(STATUS_LINK, model.statusUrl),
  );
}

export interface PausedModel extends RolloutRef {
  by: string;
  reason: string;
}

export function pausedCard(model: PausedModel): CardMessage {
  return cardMessage(
    [
      title(`Rollout ${model.rolloutId} paused`, 'warning'),
      paragraph(`${model.reason}. The enabled target stays as it is while paused.`),
      facts([
        ['Rollout', model.rolloutId],
        ['Feature', model.feature],
        ['Paused by', model.by],
      ]),
      paragraph(`Type resume ${model.rolloutId} to continue or abort ${model.rolloutId} to roll back.`),
    ],
    openUrl(STATUS_LINK, model.statusUrl),
  );
}

export interface FailedModel extends RolloutRef {
  error: string;
  enabledTarget?: string | null;
}

export function failedCard(model: FailedModel): CardMessage {
  // When a rollback could not be verified, the error itself says what to restore by hand.
  const steps = [
    `Check ${model.feature} in the Microsoft Authenticator settings (Entra admin center > Authentication methods) and compare it with the snapshot in the rollout status.`,
    'Fix the cause above before starting a new rollout.',
  ];
  return cardMessage(
    [
      title(`Rollout ${model.rolloutId} FAILED`, 'attention'),
      paragraph(model.error, { color: 'attention' }),
      facts([
        ['Rollout', model.rolloutId],
        ['Feature', model.feature],
        ['Enabled target', model.enabledTarget === undefined ? undefined : (model.enabledTarget ?? 'nobody')],
      ]),
      heading('To fix by hand'),
      bullets(steps),
    ],
    openUrl(STATUS_LINK, model.statusUrl),
  );
}

export interface DigestEntry {
  rolloutId: string;
  feature: Feature;
  status: string;
  currentRing: string | null;
  enabledTarget: string | null;
  nextCheckpointAt: string | null;
}

export interface DigestModel {
  at: Date;
  rollouts: DigestEntry[];
  /** Link to the list of rollouts. */
  listUrl?: string;
}

export function digestCard(model: DigestModel): CardMessage {
  const shown = model.rollouts.slice(0, MAX_DIGEST_ROLLOUTS);
  const lines = shown.map((r) => {
    const where = r.currentRing ? `ring ${r.currentRing}` : 'no ring yet';
    const next = r.nextCheckpointAt ? `, next checkpoint ${when(r.nextCheckpointAt)}` : '';
    return `${r.rolloutId}: ${r.feature}, ${r.status}, ${where}, enabled for ${r.enabledTarget ?? 'nobody'}${next}`;
  });
  const hidden = model.rollouts.length - shown.length;
  if (hidden > 0) lines.push(`and ${hidden} more`);
  const count = model.rollouts.length;
  return cardMessage(
    [
      title(`Rollout digest, ${when(model.at.toISOString())}`),
      count === 0 ? paragraph('No rollout is active.') : paragraph(`${count} active ${plural(count, 'rollout')}:`),
      ...(count === 0 ? [] : [bullets(lines)]),
    ],
    openUrl('Open all rollouts', model.listUrl),
  );
}

function ringLine(ring: RingSummary, index: number): string {
  const people = ring.members === undefined ? '' : `, ${ring.members} ${plural(ring.members, 'member')}`;
  const push = ring.pushRegistered === undefined ? '' : ` (${ring.pushRegistered} with Authenticator push)`;
  const gate = ring.approval ? ', approval checkpoint after the soak' : '';
  return `${index + 1}. ${ring.name}: target ${ring.target}${people}${push}, soak ${soakText(ring.soak)}${gate}`;
}

/** A card to send, as its kind and model: plain data that travels from the rollout to the activity that posts it. */
export type CardModel =
  | { kind: 'started'; model: RolloutStartedModel }
  | { kind: 'ringEnabled'; model: RingEnabledModel }
  | { kind: 'approvalNeeded'; model: ApprovalNeededModel }
  | { kind: 'approvalDecided'; model: ApprovalDecidedModel }
  | { kind: 'rollback'; model: RollbackModel }
  | { kind: 'completed'; model: CompletedModel }
  | { kind: 'drift'; model: DriftModel }
  | { kind: 'paused'; model: PausedModel }
  | { kind: 'failed'; model: FailedModel };

export function renderCard(card: CardModel): CardMessage {
  switch (card.kind) {
    case 'started':
      return rolloutStartedCard(card.model);
    case 'ringEnabled':
      return ringEnabledCard(card.model);
    case 'approvalNeeded':
      return approvalNeededCard(card.model);
    case 'approvalDecided':
      return approvalDecidedCard(card.model);
    case 'rollback':
      return rollbackCard(card.model);
    case 'completed':
      return completedCard(card.model);
    case 'drift':
      return driftCard(card.model);
    case 'paused':
      return pausedCard(card.model);
    case 'failed':
      return failedCard(card.model);
  }
}
