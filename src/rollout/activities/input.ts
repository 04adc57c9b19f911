import { z } from 'zod';
import { isObject } from '../../policy/json';
import { FEATURES, type AuthenticatorConfig } from '../../policy/types';
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

export const rolloutId = z.string().min(1);
export const feature = z.enum(FEATURES);
export const timestamp = z.iso.datetime({ offset: true });
export const authenticatorConfig = z.custom<AuthenticatorConfig>(isObject, 'must be the Authenticator configuration object');
