/**
 * Posts cards to a Teams Workflows webhook. A notification must never fail a rollout: `send` never throws, retries
 * transient failures a bounded number of times, and reports a final failure through `onFailure`. The webhook URL is a
 * secret (its query carries the signature), so nothing this module reports contains more of it than its host.
 */

export interface NotificationFailure {
  /** The webhook's host name, the only part of the URL that is not secret. */
  host?: string;
  attempts: number;
  /** The last HTTP status, when an answer came. */
  status?: number;
  reason: string;
}

export interface NotifierOptions {
  url?: string;
  fetch?: typeof fetch;
  /** How many times a failed send is tried again (network error, 408, 429, 5xx). Default 2: three attempts in all. */
  retries?: number;
  onFailure?: (info: NotificationFailure) => void;
  /** First backoff delay; it doubles on each retry (with jitter), up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The longest Retry-After honoured; a longer one is cut to this. */
  maxRetryAfterMs?: number;
  /** Per attempt. */
  timeoutMs?: number;
}

export interface SendResult {
  delivered: boolean;
  attempts: number;
}

export interface Notifier {
  send(card: unknown): Promise<SendResult>;
}

export const DEFAULT_RETRIES = 2;
interface Timing {
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  timeoutMs: number;
}
const DEFAULT_TIMING: Readonly<Timing> = { baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000, timeoutMs: 10_000 };
const MAX_RETRIES = 10;

export function createNotifier(options: NotifierOptions): Notifier {
  const url = options.url?.trim();
  if (url === undefined || url === '') return { send: async () => ({ delivered: false, attempts: 0 }) };

  const report = (info: NotificationFailure): void => {
    try {
      options.onFailure?.(info);
    } catch {
      // A broken failure handler must not turn a lost notification into a failed rollout.
    }
  };
  const target = parseWebhookUrl(url);
  if (target === undefined) {
    return {
      send: async () => {
        report({ attempts: 0, reason: 'The Teams notification URL is not a valid http(s) URL; nothing was sent.' });
        return { delivered: false, attempts: 0 };
      },
    };
  }

  const doFetch = options.fetch ?? fetch;
  const retries = Math.min(Math.max(Math.floor(options.retries ?? DEFAULT_RETRIES), 0), MAX_RETRIES);
  const settings: Timing = { ...DEFAULT_TIMING, ...timingOverrides(options) };

  return {
    async send(card: unknown): Promise<SendResult> {
      let body: string;
      try {
        body = JSON.stringify(card);
      } catch {
        report({ host: target.hostname, attempts: 0, reason: 'The card could not be serialised to JSON; nothing was sent.' });
        return { delivered: false, attempts: 0 };
      }

      let last: { status?: number; reason: string } = { reason: 'not sent' };
      for (let attempt = 1; attempt <= retries + 1; attempt++) {
        let waitMs: number;
        try {
          const response = await doFetch(target.href, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(settings.timeoutMs),
          });
          // The body is not needed; reading it frees the connection.
          await response.arrayBuffer().catch(() => undefined);
          if (response.ok) return { delivered: true, attempts: attempt };
          last = { status: response.status, reason: `Teams answered HTTP ${response.status}` };
          if (!isTransient(response.status)) {
            report({ host: target.hostname, attempts: attempt, ...last, reason: `${last.reason}; not retried.` });
            return { delivered: false, attempts: attempt };
          }
          const retryAfter = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get('retry-after'), new Date()) : undefined;
          waitMs = retryAfter === undefined ? backoff(attempt, settings) : Math.min(retryAfter, settings.maxRetryAfterMs);
        } catch (error) {
          last = { reason: describeNetworkError(error) };
          waitMs = backoff(attempt, settings);
        }
        if (attempt <= retries) await sleep(waitMs);
      }
      report({ host: target.hostname, attempts: retries + 1, ...last, reason: `${last.reason}; gave up after ${retries + 1} attempts.` });
      return { delivered: false, attempts: retries + 1 };
    },
  };
}

function parseWebhookUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isTransient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(at - now.getTime(), 0);
}

function backoff(attempt: number, settings: Timing): number {
  const exponential = Math.min(settings.baseDelayMs * 2 ** (attempt - 1), settings.maxDelayMs);
  // Half fixed, half random: spreads the retries of several rollouts notifying at once.
  return exponential / 2 + Math.random() * (exponential / 2);
}

/**
 * Only the error's kind and code: fetch errors can quote the request URL, which is secret. Read by shape, not
 * `instanceof`: fetch's errors may come from another realm.
 */
function describeNetworkError(error: unknown): string {
  if (!isRecord(error)) return 'Network error';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'The request timed out';
  const code = codeOf(error.cause) ?? codeOf(error);
  return code === undefined ? 'Network error' : `Network error (${code})`;
}

function codeOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(value.code) ? value.code : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function timingOverrides(options: NotifierOptions): Partial<Timing> {
  const out: Partial<Timing> = {};
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'timeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && Number.isFinite(value) && value >= 0) out[key] = value;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
