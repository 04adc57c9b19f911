import type { DurableClient } from 'durable-functions';
import { checkActivity, DEFAULT_MAX_SKEW_MS, parseActivity, type TeamsActivity } from '../teams/activity';
import { HELP_TEXT, parseCommand, resolveRolloutId } from '../teams/commands';
import { textReply } from '../teams/cards';
import { ReplayCache } from '../teams/replay-cache';
import { verifyTeamsSignature } from '../teams/webhook-auth';
import { controlRollout, selfApprovalAllowed, statusesFor, type ControlAction } from '../rollout/desk/control';
import { describeHealth } from '../rollout/desk/describe';
import { listRollouts } from '../rollout/desk/list';
import { ROLLOUT_ID_PATTERN } from '../rollout/names';
import { FINAL_STATUSES, type Actor, type RolloutStatus } from '../rollout/types';
import { appSetting } from '../settings';
import { claimActivity } from './teams-claims';

/**
 * The Teams outgoing webhook: verify, authorise, raise the durable event and answer at once (Teams waits 5 seconds).
 * Every refusal is logged with its reason (never the body or the signature) and answered with a Teams message.
 */

export interface WebhookReply {
  status: number;
  jsonBody: { type: 'message'; text: string };
}

export interface WebhookSettings {
  secret: string | undefined;
  tenantId: string | undefined;
  approverIds: ReadonlySet<string>;
  approverGroupId: string | undefined;
  allowSelfApproval: boolean;
}

export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const ids = (env.ROLLOUT_APPROVER_IDS ?? '')
    .split(/[,;\s]+/)
    .map((id) => id.trim().toLowerCase())
    .filter((id) => id !== '');
  return {
    secret: appSetting(env, 'TEAMS_OUTGOING_WEBHOOK_SECRET'),
    tenantId: appSetting(env, 'TEAMS_TENANT_ID'),
    approverIds: new Set(ids),
    approverGroupId: appSetting(env, 'ROLLOUT_APPROVER_GROUP_ID'),
    allowSelfApproval: selfApprovalAllowed(env),
  };
}

export interface WebhookDeps {
  client: DurableClient;
  /** Transitive membership through Graph, only asked when ROLLOUT_APPROVER_GROUP_ID is set and the id list did not match. */
  isGroupMember: (groupId: string, objectId: string) => Promise<boolean>;
  log: (message: string) => void;
  now?: Date;
}

/** Activity ids seen by this instance: the quick first guard; the durable claim below holds across instances and restarts. */
const seen = new ReplayCache();

export async function handleTeamsWebhook(raw: Buffer, authorization: string | undefined, settings: WebhookSettings, deps: WebhookDeps): Promise<WebhookReply> {
  if (!settings.secret) return refuse(deps, 401, 'the Teams webhook is not configured (TEAMS_OUTGOING_WEBHOOK_SECRET is not set)');
  if (!verifyTeamsSignature(raw, authorization, settings.secret)) return refuse(deps, 401, 'the HMAC signature is missing or does not match');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return refuse(deps, 400, 'the body is not valid JSON');
  }
  const parsed = parseActivity(body);
  if (!parsed.ok) return refuse(deps, 400, parsed.reason);
  const activity = parsed.activity;
  const check = checkActivity(activity, {
    now: deps.now ?? new Date(),
    maxSkewMs: DEFAULT_MAX_SKEW_MS,
    seen,
    ...(settings.tenantId ? { expectedTenantId: settings.tenantId } : {}),
  });
  if (!check.ok) return refuse(deps, check.status, check.reason);
  if (!(await claimActivity(deps.client, `${activity.conversation.id}\n${activity.id}`, deps.now ?? new Date()))) {
    return refuse(deps, 409, 'The activity was already received (replay).');
  }

  const rollouts = await listRollouts(deps.client);
  const command = parseCommand(activity.text ?? '', {
    idPattern: ROLLOUT_ID_PATTERN,
    knownIds: rollouts.map((r) => r.id),
    knownRings: rollouts.flatMap((r) => (r.rings ?? []).map((ring) => ring.ring)),
  });
  if (!command.ok) return reply(200, command.message);
  const { verb } = command.command;
  if (verb === 'help') return reply(200, HELP_TEXT);

  const candidates = rollouts.map((r) => ({ id: r.id, status: r.status, feature: r.feature }));
  if (verb === 'status') {
    const active = candidates.filter((c) => !FINAL_STATUSES.has(c.status));
    const resolved = resolveRolloutId(command.command.rolloutId, command.command.rolloutId ? candidates : active, { verb });
    if (!resolved.ok) return reply(command.command.rolloutId ? 404 : 200, resolved.message);
    const status = rollouts.find((r) => r.id === resolved.id);
    return reply(200, status ? describeStatus(status) : `There is no rollout ${resolved.id}.`);
  }

  const actor = actorOf(activity);
  if (!actor.id || !(await isApprover(actor.id, settings, deps))) {
    return refuse(deps, 403, `${actor.name} is not allowed to ${verb} rollouts: only the configured approvers are (ROLLOUT_APPROVER_IDS or members of ROLLOUT_APPROVER_GROUP_ID)`);
  }
  // What is left once help and status are answered is a control action of the same name.
  const action: ControlAction = verb;
  const wanted = command.command.rolloutId;
  const resolved = resolveRolloutId(wanted, candidates, { verb, statuses: statusesFor(action) });
  if (!resolved.ok) {
    const unknown = wanted !== undefined && !candidates.some((c) => c.id === wanted);
    return refuse(deps, unknown ? 404 : 409, resolved.message);
  }
  const reason = command.command.verb === 'reject' ? command.command.reason : undefined;
  const ring = command.command.verb === 'approve' || command.command.verb === 'reject' ? command.command.ring : undefined;
  const result = await controlRollout(deps.client, resolved.id, action, actor, reason, { allowSelfApproval: settings.allowSelfApproval, ...(ring !== undefined ? { ring } : {}) });
  switch (result.kind) {
    case 'accepted':
      return reply(200, acknowledgement(action, resolved.id, result.status, actor));
    case 'not-found':
      return refuse(deps, 404, `There is no rollout ${resolved.id}.`);
    case 'conflict':
      return refuse(deps, 409, result.reason);
    case 'forbidden':
      return refuse(deps, 403, result.reason);
  }
}

async function isApprover(objectId: string, settings: WebhookSettings, deps: WebhookDeps): Promise<boolean> {
  if (settings.approverIds.has(objectId.toLowerCase())) return true;
  if (!settings.approverGroupId) return false;
  return deps.isGroupMember(settings.approverGroupId, objectId);
}

function actorOf(activity: TeamsActivity): Actor {
  const actor: Actor = { name: activity.from?.name ?? 'someone in Teams', via: 'teams' };
  if (activity.from?.aadObjectId) actor.id = activity.from.aadObjectId;
  return actor;
}

function acknowledgement(action: ControlAction, id: string, status: RolloutStatus, actor: Actor): string {
  const ring = status.currentRing ? ` at ring ${status.currentRing}` : '';
  switch (action) {
    case 'approve':
      return `Approved by ${actor.name}: rollout ${id} moves on from ring ${status.currentRing ?? '?'}.`;
    case 'reject':
      return `Rejected by ${actor.name}: rollout ${id} is rolling back${ring}.`;
    case 'pause':
      return `Pausing rollout ${id}${ring}; resume ${id} continues it.`;
    case 'resume':
      return `Resuming rollout ${id}${ring}.`;
    case 'abort':
      return `Aborting rollout ${id}${ring}: it rolls back now.`;
  }
}

export function describeStatus(status: RolloutStatus): string {
  const lines = [
    `Rollout ${status.id} (${status.feature}): ${status.status}.`,
    status.message,
    `Ring: ${status.currentRing ?? 'none yet'}; enabled for: ${status.enabledTarget ?? 'nobody'}.`,
  ];
  if (status.nextCheckpointAt) lines.push(`Next checkpoint: ${status.nextCheckpointAt}.`);
  if (status.health) lines.push(`Health: ${describeHealth(status.health)}.`);
  return lines.join('\n');
}

function reply(status: number, text: string): WebhookReply {
  return { status, jsonBody: textReply(text) };
}

function refuse(deps: WebhookDeps, status: number, reason: string): WebhookReply {
  deps.log(`Teams webhook refused (${status}): ${reason}`);
  return reply(status, `Refused: ${reason}`);
}
