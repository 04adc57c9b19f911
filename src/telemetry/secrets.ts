import { MIN_SECRET_LENGTH } from './scrub';

/** App settings whose values are secrets (the Teams HMAC token, the Workflows URL, the managed identity header...). */
const SECRET_SETTING = /SECRET|TOKEN|PASSWORD|HMAC|SIGNATURE|_KEY$|WEBHOOK|NOTIFY_URL|IDENTITY_HEADER/i;
/** Enough for the tokens alive in one worker at a time; the oldest are forgotten first. */
const MAX_REMEMBERED = 64;

const remembered = new Set<string>();

/** Adds a secret seen at run time (e.g. a bearer token) to those the process-wide telemetry removes. */
export function rememberSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  remembered.delete(value);
  remembered.add(value);
  if (remembered.size > MAX_REMEMBERED) {
    const oldest = remembered.values().next();
    if (oldest.done !== true) remembered.delete(oldest.value);
  }
}

export function settingSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_SETTING.test(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value ?? '');
}

export function processSecrets(): string[] {
  return [...settingSecrets(process.env), ...remembered];
}
