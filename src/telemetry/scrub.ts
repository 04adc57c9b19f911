/**
 * Removes secrets from text bound for telemetry. Telemetry is kept for months and read by many people, so anything
 * that could call a webhook or act as a caller (tokens, signed URLs, keys) is replaced by `[redacted]`.
 */
export const REDACTED = '[redacted]';

/** Shorter values would redact ordinary words; real secrets (a 44-character HMAC token, URLs, JWTs) are far longer. */
export const MIN_SECRET_LENGTH = 8;

const WORKFLOW_HOST_SUFFIXES = ['.logic.azure.com', '.powerplatform.com'];

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`\\]+/gi;
/** A Workflows address written without its scheme. The bare host is kept: only its path and query invoke the flow. */
const SCHEMELESS_WORKFLOW_URL = /[\w.-]*(?:\.logic\.azure\.com|\.powerplatform\.com)(?::\d+)?\/[^\s"'<>`\\]*/gi;
const BEARER = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi;
const TEAMS_SIGNATURE = /\bHMAC\s+[A-Za-z0-9+/]{16,}={0,2}/g;
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const SIGNATURE_PARAMETER = /((?:^|[?&;\s])sig=)[^&#\s"';]*/gi;
/** `code=` is a secret only as a query parameter (Functions keys, OAuth codes); `status code=429` in prose is not. */
const QUERY_SECRET_PARAMETER = /([?&](?:code|access_token|client_secret|refresh_token|id_token|api-key|apikey)=)[^&#\s"';]*/gi;
const KEY_VALUE_SECRET = /\b((?:AccountKey|SharedAccessKey|SharedAccessSignature|ClientSecret|Password)=)[^;\s"']+/gi;

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = removeLiteralSecrets(text, secrets);
  result = result.replace(URL_PATTERN, scrubUrl);
  result = result.replace(SCHEMELESS_WORKFLOW_URL, REDACTED);
  result = result.replace(BEARER, `Bearer ${REDACTED}`);
  result = result.replace(TEAMS_SIGNATURE, `HMAC ${REDACTED}`);
  result = result.replace(JWT, REDACTED);
  result = result.replace(SIGNATURE_PARAMETER, `$1${REDACTED}`);
  result = result.replace(QUERY_SECRET_PARAMETER, `$1${REDACTED}`);
  return result.replace(KEY_VALUE_SECRET, `$1${REDACTED}`);
}

/** Scrubs keys and values; drops properties without a value. */
export function scrubProperties(
  properties: Readonly<Record<string, string | undefined>> | undefined,
  secrets: readonly string[],
): Record<string, string> {
  const scrubbed: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties ?? {})) {
    if (typeof value === 'string') scrubbed[scrubSecrets(key, secrets)] = scrubSecrets(value, secrets);
  }
  return scrubbed;
}

export function isWorkflowHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return WORKFLOW_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix) || host === suffix.slice(1));
}

function removeLiteralSecrets(text: string, secrets: readonly string[]): string {
  const forms = secrets
    .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
    .flatMap((secret) => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])
    .sort((a, b) => b.length - a.length);
  let result = text;
  for (const form of forms) result = result.split(form).join(REDACTED);
  return result;
}

function scrubUrl(url: string): string {
  if (/[?&;]sig=/i.test(url)) return REDACTED;
  try {
    if (isWorkflowHost(new URL(url).hostname)) return REDACTED;
  } catch {
    return url;
  }
  return url;
}
