import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { unreachableError } from './error-mapping';
import type { SlidingWindowLimiter } from './limiter';
import { requestStateOf, urlOf } from './request-state';
import { backoffMs, RETRYABLE_STATUSES, retryAfterMs, type ResolvedRetryOptions } from './retry-policy';
import type { GraphRequestInfo } from './types';

/** Identity and access reports share Graph's tight per-tenant limit. */
const REPORT_PATH = /\/(auditLogs|reports)\//i;

/**
 * Sends a request up to `maxAttempts` times: retries 429/503/504, waiting at least what Retry-After says (else a
 * bounded exponential backoff); paces the reports endpoints; reports every attempt to the observer.
 * Every method is retried: the gateway's only write (the policy PATCH of a whole object) is idempotent.
 */
export class RetryMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly options: ResolvedRetryOptions,
    private readonly reportsLimiter: SlidingWindowLimiter,
    private readonly onRequest: ((request: GraphRequestInfo) => void) | undefined,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const state = requestStateOf(context);
    const url = urlOf(context);
    const method = context.options?.method ?? 'GET';
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      state.attempts = attempt;
      const status = await this.attempt(context, url, method, attempt);
      const response = context.response;
      if (!response || !RETRYABLE_STATUSES.includes(status) || attempt === this.options.maxAttempts) return;
      const askedMs = retryAfterMs(response.headers.get('retry-after'), Date.now());
      state.retryAfterSeconds = askedMs === undefined ? undefined : Math.ceil(askedMs / 1000);
      if (askedMs !== undefined && askedMs > this.options.maxRetryAfterSeconds * 1000) return;
      await response.body?.cancel();
      await sleepAtLeast(askedMs ?? backoffMs(attempt, this.options));
    }
  }

  /** One try; resolves with the HTTP status (the response stays on the context). */
  private async attempt(context: Context, url: URL, method: string, attempt: number): Promise<number> {
    if (!this.next) throw new Error('RetryMiddleware must be followed by the rest of the chain.');
    const release = REPORT_PATH.test(url.pathname) ? await this.reportsLimiter.acquire() : undefined;
    const started = performance.now();
    context.response = undefined;
    try {
      await this.next.execute(context);
    } catch (error) {
      const state = requestStateOf(context);
      state.failure ??= unreachableError(state.operation, url.origin, error);
      this.observe({ method, path: url.pathname, status: 0, durationMs: performance.now() - started, attempt, throttled: false });
      throw state.failure;
    } finally {
      release?.();
    }
    const status = statusOf(context);
    this.observe({ method, path: url.pathname, status, durationMs: performance.now() - started, attempt, throttled: status === 429 });
    return status;
  }

  private observe(info: GraphRequestInfo): void {
    try {
      this.onRequest?.(info);
    } catch {
      // Telemetry must never fail a rollout step.
    }
  }
}

/** Read through a function: TypeScript would keep `context.response` narrowed to the undefined set before the call. */
function statusOf(context: Context): number {
  return context.response?.status ?? 0;
}

/** setTimeout may fire a millisecond early; a Retry-After must never be cut short. */
async function sleepAtLeast(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (let remaining = ms; remaining > 0; remaining = deadline - Date.now()) await sleep(remaining);
}
