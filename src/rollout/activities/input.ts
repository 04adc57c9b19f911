import { z } from 'zod';
import { GraphConfigError, GraphError, GraphInputError, GraphThrottledError, WriteVerificationError } from '../../graph/errors';
import { PolicyError } from '../../policy';
import { isObject } from '../../policy/json';
import { FEATURES, type AuthenticatorConfig } from '../../policy/types';
import type { ActivityResult } from '../types';
import { toJsonPath } from '../../plan';

/**
 * Activity inputs are checked where they enter: a history written by an older version, or a hand-raised call, fails
 * with a sentence naming the field rather than deep inside the Graph code.
 */
export function parseActivityInput<T>(activity: string, schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${toJsonPath(issue.path)} ${issue.message}`).join('; ');
  throw new TypeError(`${activity} was called with an input it cannot use: ${problems}`);
}

export type { ActivityResult };

export const rolloutId = z.string().min(1);
export const feature = z.enum(FEATURES);
export const timestamp = z.iso.datetime({ offset: true });
export const authenticatorConfig = z.custom<AuthenticatorConfig>(isObject, 'must be the Authenticator configuration object');

/** A missing permission, a bad request or a group that does not exist will not heal by waiting: those are final. */
export async function settle<T>(work: () => Promise<T>): Promise<ActivityResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), permanent: isPermanent(error) };
  }
}

const FINAL_STATUSES = new Set([400, 401, 403, 404]);

function isPermanent(error: unknown): boolean {
  if (error instanceof GraphThrottledError || error instanceof WriteVerificationError) return false;
  if (error instanceof GraphError) return FINAL_STATUSES.has(error.status);
  return error instanceof GraphConfigError || error instanceof GraphInputError || error instanceof PolicyError || error instanceof TypeError;
}
