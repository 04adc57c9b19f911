import { z } from 'zod';
import { renderCard, type CardModel } from '../../teams/cards';
import type { RolloutEventProperties } from '../../telemetry';
import type { RolloutEventName } from '../../telemetry/types';
import { ROLLOUT_STATUSES, type Actor, type Announcement } from '../types';
import { services } from '../services';
import { feature, parseActivityInput, rolloutId } from './input';

/** One telemetry event per decision and, where people should know, one Teams card. Never fails the rollout. */

const actor: z.ZodType<Actor> = z.object({ name: z.string(), id: z.string().optional(), via: z.enum(['api', 'teams', 'timer', 'rollout', 'simulated']) });
const cardModel = z.custom<CardModel>((value) => typeof value === 'object' && value !== null && 'kind' in value && 'model' in value, 'must be a card kind and its model');

const announcement: z.ZodType<Announcement> = z.object({
  event: z.custom<RolloutEventName>((value) => typeof value === 'string', 'must be an event name'),
  rolloutId,
  feature,
  status: z.enum(ROLLOUT_STATUSES),
  ring: z.string().optional(),
  target: z.string().optional(),
  actor: actor.optional(),
  reason: z.string().optional(),
  measurements: z.record(z.string(), z.number()).optional(),
  card: cardModel.optional(),
});

export async function announceActivity(input: unknown): Promise<void> {
  const a = parseActivityInput('announceActivity', announcement, input);
  const { telemetry, notifier } = await services();
  const properties: RolloutEventProperties = {
    rolloutId: a.rolloutId,
    feature: a.feature,
    status: a.status,
    ...(a.ring ? { ring: a.ring } : {}),
    ...(a.target ? { target: a.target } : {}),
    ...(a.actor ? { actor: a.actor.id ? `${a.actor.name} (${a.actor.id})` : a.actor.name } : {}),
    ...(a.reason ? { reason: a.reason } : {}),
  };
  telemetry.event(a.event, properties, a.measurements);
  if (a.measurements?.waitMinutes !== undefined) telemetry.metric('Approval.WaitMinutes', a.measurements.waitMinutes, properties);
  if (a.measurements?.breachToVerifiedSeconds !== undefined) telemetry.metric('Rollback.BreachToVerifiedSeconds', a.measurements.breachToVerifiedSeconds, properties);
  if (a.measurements?.soakMinutes !== undefined) telemetry.metric('Ring.SoakMinutes', a.measurements.soakMinutes, properties);
  if (a.card) await notifier.send(renderCard(a.card));
}
