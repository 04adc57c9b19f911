import { z } from 'zod';
import type { ReplayCache } from './replay-cache';

/**
 * The Bot Framework activity a Teams outgoing webhook POSTs, and the checks that make up for what its signature lacks:
 * no timestamp (so stale ones are refused), no nonce (so ids are remembered), and no tenant binding.
 */

const id = z.string({ error: 'must be a string' }).min(1, 'must not be empty');

export const activitySchema = z.looseObject({
  type: z.string({ error: 'must be a string' }),
  id,
  timestamp: z
    .string({ error: 'must be an ISO 8601 date-time string' })
    .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO 8601 date-time string'),
  text: z.string({ error: 'must be a string' }).default(''),
  from: z.looseObject({
    id,
    name: z.string({ error: 'must be a string' }).default(''),
    aadObjectId: z.string({ error: 'must be a string' }).optional(),
  }),
  conversation: z.looseObject({
    id,
    conversationType: z.string({ error: 'must be a string' }).optional(),
    tenantId: z.string({ error: 'must be a string' }).optional(),
  }),
  channelData: z
    .looseObject({
      team: z.looseObject({ id }).optional(),
      channel: z.looseObject({ id }).optional(),
      tenant: z.looseObject({ id }).optional(),
    })
    .optional(),
});

export type TeamsActivity = z.output<typeof activitySchema>;

export type ActivityParse = { ok: true; activity: TeamsActivity } | { ok: false; status: 400; reason: string };

export type ActivityCheck = { ok: true } | { ok: false; status: 400 | 401 | 403 | 409; reason: string };

export interface ActivityCheckOptions {
  now: Date;
  /** How far the activity's timestamp may be from `now`, either way. */
  maxSkewMs: number;
  expectedTenantId?: string;
  expectedTeamId?: string;
  seen: ReplayCache;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

/** Parses a JSON body already decoded to a value; the reason names every bad field. */
export function parseActivity(body: unknown): ActivityParse {
  const parsed = activitySchema.safeParse(body);
  if (parsed.success) return { ok: true, activity: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? 'the body must be a JSON object' : `${path} ${issue.message}`;
  });
  return { ok: false, status: 400, reason: `Not a Teams activity: ${[...new Set(problems)].join('; ')}.` };
}

/** The activity's tenant: channelData.tenant.id, else conversation.tenantId. */
export function tenantOf(activity: TeamsActivity): string | undefined {
  return activity.channelData?.tenant?.id ?? activity.conversation.tenantId;
}

/**
 * Refuses a wrong tenant or team (403), a timestamp too far from now (401) and an id already seen (409). The id is
 * remembered only when everything else passed, so a refused activity cannot fill the cache.
 */
export function checkActivity(activity: TeamsActivity, options: ActivityCheckOptions): ActivityCheck {
  if (options.expectedTenantId !== undefined) {
    const tenant = tenantOf(activity);
    if (tenant === undefined) return { ok: false, status: 403, reason: 'The activity names no tenant; this webhook only answers its own tenant.' };
    if (!sameId(tenant, options.expectedTenantId)) return { ok: false, status: 403, reason: 'The activity comes from another tenant.' };
  }
  if (options.expectedTeamId !== undefined) {
    const team = activity.channelData?.team?.id;
    if (team === undefined || !sameId(team, options.expectedTeamId)) return { ok: false, status: 403, reason: 'The activity comes from another team.' };
  }

  const sentAt = Date.parse(activity.timestamp);
  if (Number.isNaN(sentAt)) return { ok: false, status: 400, reason: 'The activity timestamp is not a date.' };
  const skew = sentAt - options.now.getTime();
  const limit = `${Math.round(options.maxSkewMs / 1000)} seconds`;
  if (skew < -options.maxSkewMs) return { ok: false, status: 401, reason: `The activity is stale: sent more than ${limit} ago.` };
  if (skew > options.maxSkewMs) return { ok: false, status: 401, reason: `The activity is dated in the future: more than ${limit} ahead.` };

  // Bot Framework ids are unique within a conversation, not across them.
  if (!options.seen.remember(`${activity.conversation.id}\n${activity.id}`, options.now)) {
    return { ok: false, status: 409, reason: 'The activity was already received (replay).' };
  }
  return { ok: true };
}

function sameId(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
