import { z } from 'zod';
import { ALL_USERS, FEATURES, type Feature, type RollbackMode } from '../policy/types';
import { checkDuration, formatSeconds } from './duration';

/**
 * The rollout plan: the public input of the product (HTTP body, `plan` command, `npm start -- --plan`).
 * One schema gives the type, the defaults and the error messages; cross-field rules are checked after it so that a bad
 * plan yields every problem at once.
 */

export const DEFAULT_MIN_SOAK = 'PT15M';
/** ROLLOUT_MIN_HEALTH_INTERVAL's default: sign-in reports allow 5 requests per 10 s per tenant. */
export const DEFAULT_MIN_HEALTH_INTERVAL = 'PT1M';
export const MAX_RINGS = 10;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const duration = z.string({ error: 'must be an ISO 8601 duration string such as PT15M or P1D' }).superRefine((text, ctx) => {
  const checked = checkDuration(text);
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
});

/** The placeholders of the real-tenant plans in examples/real-tenant, such as `<pilot-group-object-id>`. */
const PLACEHOLDER = /^<[^<>]+>$/;

function placeholderMessage(placeholder: string): string {
  return `is still the placeholder "${placeholder}": replace it with the object id of the group (Entra admin center > Groups > the group > Object ID), or "all_users" for the last ring`;
}

const ring = z.strictObject({
  name: z
    .string({ error: 'must be a string' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'must be 1-64 letters, digits, spaces, dots, dashes or underscores'),
  target: z.string({ error: 'must be a group object id (GUID) or "all_users"' }).superRefine((t, ctx) => {
    if (t === ALL_USERS || GUID.test(t)) return;
    ctx.addIssue({ code: 'custom', message: PLACEHOLDER.test(t) ? placeholderMessage(t) : 'must be a group object id (GUID) or "all_users"' });
  }),
  soak: duration,
  approval: z.boolean({ error: 'must be true or false' }).default(false),
});

/**
 * The health gate: `maxFailureRate` is the ceiling on the ring's Authenticator push failure rate, `maxIncrease` the
 * tolerance above the baseline of users not yet in the ring, `falseRollbackRate` the chance that a healthy ring is
 * rolled back over its whole soak, `minSignIns` the push attempts needed before the gate says healthy, and
 * `baselineWindow` how far before the ring's start the baseline reaches back.
 */
export const HEALTH_DEFAULTS = {
  maxFailureRate: 0.05,
  minSignIns: 20,
  interval: 'PT15M',
  maxIncrease: 0.05,
  falseRollbackRate: 0.01,
  baselineWindow: 'P7D',
} as const;

const health = z.strictObject({
  maxFailureRate: z
    .number({ error: 'must be a number between 0 and 1' })
    .min(0, 'must be at least 0')
    .max(1, 'must be at most 1')
    .default(HEALTH_DEFAULTS.maxFailureRate),
  minSignIns: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').default(HEALTH_DEFAULTS.minSignIns),
  interval: duration.default(HEALTH_DEFAULTS.interval),
  maxIncrease: z
    .number({ error: 'must be a number between 0 and 1 (0.05 = 5 percentage points)' })
    .min(0, 'must be at least 0')
    .max(1, 'must be at most 1')
    .optional(),
  // Above 0.2 a gate rolls back one healthy ring in five: that is no longer a gate anyone would keep switched on.
  falseRollbackRate: z
    .number({ error: 'must be a number above 0 and at most 0.2' })
    .gt(0, 'must be above 0: a gate that can never be wrong can never roll back')
    .max(0.2, 'must be at most 0.2')
    .optional(),
  baselineWindow: duration
    .refine((text) => {
      const checked = checkDuration(text);
      return !checked.ok || checked.seconds <= 30 * 86_400;
    }, 'must be at most P30D: Graph keeps sign-in logs for 30 days')
    .optional(),
});

/**
 * The health fields with every default filled. The three newer fields stay optional in the parsed plan so that plans
 * (and code) written before them keep their exact shape; readers take the rule from here.
 */
export function healthRuleOf(h: RolloutPlan['health']): Required<RolloutPlan['health']> {
  return {
    ...h,
    maxIncrease: h.maxIncrease ?? HEALTH_DEFAULTS.maxIncrease,
    falseRollbackRate: h.falseRollbackRate ?? HEALTH_DEFAULTS.falseRollbackRate,
    baselineWindow: h.baselineWindow ?? HEALTH_DEFAULTS.baselineWindow,
  };
}

export const planSchema = z.strictObject({
  feature: z.enum(FEATURES, { error: `must be one of ${FEATURES.join(', ')}` }),
  rings: z
    .array(ring, { error: 'must be a list of rings' })
    .min(1, 'must list at least one ring')
    .max(MAX_RINGS, `must list at most ${MAX_RINGS} rings`),
  approvalTimeout: duration.default('P2D'),
  onApprovalTimeout: z.enum(['rollback', 'pause'], { error: 'must be "rollback" or "pause"' }).default('rollback'),
  health: health.default({ maxFailureRate: HEALTH_DEFAULTS.maxFailureRate, minSignIns: HEALTH_DEFAULTS.minSignIns, interval: HEALTH_DEFAULTS.interval }),
  rollback: z.enum(['default', 'snapshot'], { error: 'must be "default" or "snapshot"' }).default('default'),
});

export type RolloutPlan = z.output<typeof planSchema>;
export type Ring = RolloutPlan['rings'][number];

export interface PlanProblem {
  /** JSON path of the offending value, e.g. `$.rings[1].target`. */
  path: string;
  message: string;
}

export type PlanValidation = { ok: true; plan: RolloutPlan } | { ok: false; errors: PlanProblem[] };

export interface PlanRules {
  /** ROLLOUT_MIN_SOAK: the shortest soak a ring may have. */
  minSoak: string;
  /** ROLLOUT_MIN_HEALTH_INTERVAL: the shortest time between health checks (test environments set it lower). */
  minHealthInterval?: string;
}

export function planRulesFromEnv(env: NodeJS.ProcessEnv = process.env): PlanRules {
  return { minSoak: env.ROLLOUT_MIN_SOAK?.trim() || DEFAULT_MIN_SOAK, minHealthInterval: env.ROLLOUT_MIN_HEALTH_INTERVAL?.trim() || DEFAULT_MIN_HEALTH_INTERVAL };
}

export function toJsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), '$');
}

export function validatePlan(input: unknown, rules: PlanRules = planRulesFromEnv()): PlanValidation {
  const errors: PlanProblem[] = [];
  const minSoak = checkDuration(rules.minSoak);
  if (!minSoak.ok) throw new RangeError(`ROLLOUT_MIN_SOAK: ${minSoak.message}`);
  const minIntervalText = rules.minHealthInterval ?? DEFAULT_MIN_HEALTH_INTERVAL;
  const minInterval = checkDuration(minIntervalText);
  if (!minInterval.ok) throw new RangeError(`ROLLOUT_MIN_HEALTH_INTERVAL: ${minInterval.message}`);

  const parsed = planSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) errors.push({ path: toJsonPath([...issue.path, key]), message: 'is not a plan field' });
      } else if (valueAt(input, issue.path) === undefined) {
        errors.push({ path: toJsonPath(issue.path), message: 'is required' });
      } else {
        errors.push({ path: toJsonPath(issue.path), message: issue.message });
      }
    }
  }
  errors.push(...crossFieldProblems(input, { seconds: minSoak.seconds, text: rules.minSoak }, { seconds: minInterval.seconds, text: minIntervalText }));
  if (errors.length > 0 || !parsed.success) return { ok: false, errors: dedupe(errors) };
  return { ok: true, plan: parsed.data };
}

/** Rules that relate fields to each other; they look at the raw input so they can run even when other fields are bad. */
function crossFieldProblems(input: unknown, minSoak: { seconds: number; text: string }, minInterval: { seconds: number; text: string }): PlanProblem[] {
  const { seconds: minSoakSeconds, text: minSoakText } = minSoak;
  const problems: PlanProblem[] = [];
  if (!isRecord(input) || !Array.isArray(input.rings) || input.rings.length === 0) return problems;
  const rings: unknown[] = input.rings;
  const seenTargets = new Map<string, number>();
  const seenNames = new Map<string, number>();
  rings.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const { target, name, soak } = raw;
    if (typeof target === 'string') {
      const key = target.toLowerCase();
      const first = seenTargets.get(key);
      if (first !== undefined) {
        problems.push({ path: `$.rings[${index}].target`, message: `repeats the target of rings[${first}]; each ring needs its own target` });
      } else seenTargets.set(key, index);
    }
    if (typeof name === 'string') {
      const first = seenNames.get(name.toLowerCase());
      if (first !== undefined) problems.push({ path: `$.rings[${index}].name`, message: `repeats the name of rings[${first}]` });
      else seenNames.set(name.toLowerCase(), index);
    }
    if (typeof soak === 'string') {
      const checked = checkDuration(soak);
      if (checked.ok && checked.seconds < minSoakSeconds) {
        problems.push({
          path: `$.rings[${index}].soak`,
          message: `is shorter than the minimum soak ${minSoakText} (${formatSeconds(minSoakSeconds)}, ROLLOUT_MIN_SOAK)`,
        });
      }
    }
  });
  const last = rings[rings.length - 1];
  if (isRecord(last) && typeof last.target === 'string' && last.target !== ALL_USERS) {
    problems.push({ path: `$.rings[${rings.length - 1}].target`, message: 'the last ring must target "all_users"' });
  }
  const healthInput = input.health;
  if (isRecord(healthInput) && typeof healthInput.interval === 'string') {
    const checked = checkDuration(healthInput.interval);
    if (checked.ok && checked.seconds < minInterval.seconds) {
      problems.push({
        path: '$.health.interval',
        message: `must be at least ${minInterval.text} (ROLLOUT_MIN_HEALTH_INTERVAL): sign-in reports allow only 5 requests per 10 seconds per tenant`,
      });
    }
  }
  return problems;
}

function dedupe(problems: PlanProblem[]): PlanProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { Feature, RollbackMode };
