import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { cancelledError, timeoutError, unreachableError } from './error-mapping';
import { GraphError } from './errors';
import type { ReportsBudget } from './limiter';
import { requestStateOf, urlOf, type RequestState } from './request-state';
import { backoffMs, RETRYABLE_STATUSES, retryAfterMs, type ResolvedRetryOptions } from './retry-policy';
import type { GraphRequestInfo } from './types';

/** Identity and access reports share Graph's tight per-tenant limit. */
const REPORT_PATH = /\/(auditLogs|reports)\//i;

/** The report budget of the tenant this gateway calls (resolved once, on the first report request). */
export type BudgetSource = (signal: AbortSignal | undefined) => Promise<ReportsBudget>;

/**
 * Sends a request up to `maxAttempts` times: retries 429/503/504, waiting at least what Retry-After says (else a
 * bounded exponential backoff), and an attempt that timed out (at most `timeoutAttempts` of them); after a 401 it asks
 * for a token once more and tries once more. Nothing else is retried: a 400, 403 or 404 cannot change on retry. Paces
 * the reports endpoints, a 429 there pausing the whole tenant budget; reports every attempt to the observer.
 * Every method is retried: the gateway's only write (the policy PATCH of a whole object) is idempotent.
 */
export class RetryMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly options: ResolvedRetryOptions,
    private readonly budget: BudgetSource,
    private readonly onRequest: ((request: GraphRequestInfo) => void) | undefined,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const state = requestStateOf(context);
    const url = urlOf(context);
    const method = context.options?.method ?? 'GET';
    state.request = `${method} ${url.pathname}`;
    const budget = REPORT_PATH.test(url.pathname) ? await this.budget(state.external).catch((error: unknown) => this.fail(state, error)) : undefined;
    for (let attempt = 1; ; attempt++) {
      state.attempts = attempt;
      const status = await this.attempt(context, url, method, attempt, budget);
      const last = attempt >= this.options.maxAttempts;
      if (status === 'timeout') {
        state.timeouts++;
        if (last || state.timeouts >= this.options.timeoutAttempts) throw (state.failure = timeoutError(state, state.timeout.iso));
        continue; // the timeout itself was the wait
      }
      const response = context.response;
      if (!response) return;
      if (status === 401 && state.refreshToken === undefined && !last) {
        state.refreshToken = { claims: claimsChallenge(response.headers.get('www-authenticate')) };
        await response.body?.cancel();
        continue;
      }
      if (!RETRYABLE_STATUSES.includes(status)) return;
      const askedMs = retryAfterMs(response.headers.get('retry-after'), Date.now());
      state.retryAfterSeconds = askedMs === undefined ? undefined : Math.ceil(askedMs / 1000);
      // Even when this request gives up, everyone else on the tenant's budget must hold off.
      if (budget && status === 429) budget.pause(Date.now() + (askedMs ?? backoffMs(attempt, this.options)));
      if (last || (askedMs !== undefined && askedMs > this.options.maxRetryAfterSeconds * 1000)) return;
      await response.body?.cancel();
      await sleepAtLeast(askedMs ?? backoffMs(attempt, this.options), state.external).catch((error: unknown) => this.fail(state, error));
    }
  }

  /** One try; resolves with the HTTP status (the response stays on the context), or 'timeout'. */
  private async attempt(context: Context, url: URL, method: string, attempt: number, budget: ReportsBudget | undefined): Promise<number | 'timeout'> {
    if (!this.next) throw new Error('RetryMiddleware must be followed by the rest of the chain.');
    const state = requestStateOf(context);
    // The queue for the budget is not part of the request's time limit: a slow queue is reported by the budget itself.
    const release = budget ? await budget.acquire({ signal: state.external, deadline: state.deadline }).catch((error: unknown) => this.fail(state, error)) : undefined;
    context.options = { ...context.options, signal: state.beginAttempt() };
    const started = performance.now();
    context.response = undefined;
    try {
      await this.next.execute(context);
    } catch (error) {
      this.observe({ method, path: url.pathname, status: 0, durationMs: performance.now() - started, attempt, throttled: false });
      const cause = state.abortCause();
      if (cause === 'cancelled') throw (state.failure = cancelledError(state));
      if (cause === 'timeout') return 'timeout';
      state.failure ??= unreachableError(state.operation, url.origin, error);
      throw state.failure;
    } finally {
      release?.();
    }
    const status = statusOf(context);
    this.observe({ method, path: url.pathname, status, durationMs: performance.now() - started, attempt, throttled: status === 429 });
    return status;
  }

  /** A wait that ended early: the caller cancelled, or the budget refused; nothing was sent for this attempt. */
  private fail(state: RequestState, error: unknown): never {
    state.failure = error instanceof GraphError ? error : cancelledError(state);
    throw state.failure;
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

/** The `claims` of a Continuous Access Evaluation challenge (`WWW-Authenticate: Bearer ... claims="<base64>"`), decoded. */
function claimsChallenge(header: string | null): string | undefined {
  const encoded = header === null ? undefined : /claims="([^"]+)"/i.exec(header)?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  return decoded.startsWith('{') ? decoded : undefined;
}

/** setTimeout may fire a millisecond early; a Retry-After must never be cut short. The caller's signal ends the wait. */
async function sleepAtLeast(ms: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + ms;
  for (let remaining = ms; remaining > 0; remaining = deadline - Date.now()) await sleep(remaining, undefined, signal ? { signal } : {});
}
