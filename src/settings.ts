import { checkDuration } from './plan/duration';

/**
 * App settings as the code reads them. An empty value is unset; so is a Key Vault reference that App Service could not
 * resolve (it then passes the literal `@Microsoft.KeyVault(...)` text, e.g. before the secret was stored), so that a
 * missing secret means "not configured" rather than a wrong secret.
 */
export function appSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value || value.startsWith('@Microsoft.KeyVault(')) return undefined;
  return value;
}

/** An app setting whose value cannot be used; the message names the setting and says what a valid value looks like. */
export class SettingError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'SettingError';
  }
}

/** An ISO 8601 duration setting: its text (as messages quote it) and its length in milliseconds. */
export interface DurationSetting {
  iso: string;
  ms: number;
}

/**
 * Reads an ISO 8601 duration setting with the plan's rules (no years or months, positive), `fallback` when unset or
 * empty. Throws SettingError naming the setting, so a typo stops the app at start rather than meaning "no timeout".
 */
export function durationSetting(name: string, value: string | undefined, fallback: string): DurationSetting {
  const iso = value?.trim() || fallback;
  const checked = checkDuration(iso);
  if (!checked.ok) throw new SettingError(name, `${name} must be an ISO 8601 duration such as ${fallback}: ${checked.message}.`);
  return { iso, ms: checked.seconds * 1000 };
}

/** How long one Microsoft Graph request (token included) may take before it is abandoned. */
export const GRAPH_REQUEST_TIMEOUT_DEFAULT = 'PT30S';

/** Read as `env.NAME` so that the check of deployed settings against the code sees it. */
export function graphRequestTimeout(env: NodeJS.ProcessEnv): DurationSetting {
  return durationSetting('GRAPH_REQUEST_TIMEOUT', env.GRAPH_REQUEST_TIMEOUT, GRAPH_REQUEST_TIMEOUT_DEFAULT);
}
