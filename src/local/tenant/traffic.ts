import { z } from 'zod';
import type { TrafficProfile, TrafficRule } from './types';

/** One schema per traffic shape gives both the checks and the messages, for the options, the control API and HTTP. */

const share = z.number().min(0).max(1);
const weight = z.number().min(0);
const knobs = {
  mfaSignInsPerUserPerDay: z.number().min(0).max(1000),
  pushFailureRate: share,
  failureMix: z.strictObject({ declined: weight, noResponse: weight, wrongNumber: weight, fraud: weight }).refine(
    (m) => m.declined + m.noResponse + m.wrongNumber + m.fraud > 0,
    'at least one failure reason needs a weight above 0',
  ),
  methodMix: z.strictObject({ push: weight, previouslySatisfied: weight, textMessage: weight, verificationCode: weight }).refine(
    (m) => m.push + m.previouslySatisfied + m.textMessage + m.verificationCode > 0,
    'at least one method needs a weight above 0',
  ),
  interruptShare: share,
  interruptStorm: z.number().min(0).max(20),
  textMessageFailureRate: share,
};

const latencySchema = z
  .strictObject({ p95Seconds: z.number().min(0), p99Seconds: z.number().min(0), maxSeconds: z.number().min(0) })
  .refine((l) => l.p95Seconds <= l.p99Seconds && l.p99Seconds <= l.maxSeconds, 'latency needs p95Seconds <= p99Seconds <= maxSeconds');

const profileSchema = z.strictObject({
  ...knobs,
  seed: z.number().int().min(0).max(0xffffffff),
  singleFactorSignInsPerUserPerDay: z.number().min(0).max(1000),
  externalChallengeShare: share,
  blockedShare: share,
  duplicateShare: share,
  latency: z.union([latencySchema, z.literal(false)]),
});

/** Tenant-wide settings over HTTP: any subset. */
export const trafficPatchSchema = profileSchema.partial();

const ruleFields = {
  ...Object.fromEntries(Object.entries(knobs).map(([key, schema]) => [key, schema.optional()])),
  target: z.string().min(1).optional(),
  userIds: z.array(z.string().min(1)).optional(),
} as { [K in keyof typeof knobs]: z.ZodOptional<(typeof knobs)[K]> } & {
  target: z.ZodOptional<z.ZodString>;
  userIds: z.ZodOptional<z.ZodArray<z.ZodString>>;
};

const ruleSchema = z
  .strictObject({ ...ruleFields, from: z.date().optional(), to: z.date().optional() })
  .refine((r) => !r.from || !r.to || r.from <= r.to, 'a rule needs from <= to');

/** A rule over HTTP: dates as ISO 8601 strings. */
export const ruleHttpSchema = z.strictObject({
  ...ruleFields,
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export function problemsOf(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

export function validProfile(profile: TrafficProfile): TrafficProfile {
  const result = profileSchema.safeParse(profile);
  if (!result.success) throw new Error(`Invalid traffic settings: ${problemsOf(result.error)}.`);
  return result.data;
}

export function validRule(rule: TrafficRule): TrafficRule {
  const dates = (d: Date | undefined) => d !== undefined && Number.isNaN(d.getTime());
  if (dates(rule.from) || dates(rule.to)) throw new Error('Invalid traffic rule: from and to must be valid dates.');
  const result = ruleSchema.safeParse(rule);
  if (!result.success) throw new Error(`Invalid traffic rule: ${problemsOf(result.error)}.`);
  return result.data;
}
