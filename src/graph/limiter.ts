import { GraphError } from './errors';
import type { ReportsLimitOptions } from './types';

/**
 * Graph's identity and access reports (sign-ins, registration details) allow 5 requests per 10 s per app and tenant,
 * however many rollouts, health checks and status timers ask. Every report request of the app for one tenant must
 * therefore draw on one budget.
 *
 * Where the state lives: `InProcessReportsBudget` paces the requests of one process. On Azure Functions several
 * instances of the app can run at once, each with its own process, so a cross-instance budget would keep the same
 * three facts (the end times of the last `requests` report requests and the pause a 429 asked for) in storage every
 * instance reaches: a durable entity keyed by the tenant (`@reports-budget@<tenant>`, whose operations are serialised by
 * the Durable Task framework, which is exactly the queue this class keeps in memory), or a blob per tenant in the app's
 * storage account, updated with ETag compare-and-swap (or held for a few seconds with a blob lease). Either implements
 * this interface; the gateway takes one through `GraphGatewayOptions.reportsBudget`.
 */
export interface ReportsBudget {
  readonly limit: ReportsLimitOptions;
  /**
   * Waits for a free slot and resolves with the function to call when the request has finished (its answer arrived).
   * Rejects with ReportsBudgetExceededError when the slot cannot be had before `deadline` (epoch ms), at once when the
   * estimate already says so; rejects with the signal's reason when `signal` fires while waiting.
   */
  acquire(options?: { signal?: AbortSignal; deadline?: number }): Promise<() => void>;
  /** Graph answered 429 with Retry-After: nobody on this budget sends a report request before `untilMs` (epoch ms). */
  pause(untilMs: number): void;
  /** How long (ms) a caller arriving now would wait before its `requests` report requests had all been sent. */
  estimateWaitMs(requests?: number): number;
}

/** The budget could not serve a request before the caller's deadline: a check that cannot finish in its interval. */
export class ReportsBudgetExceededError extends GraphError {
  readonly estimatedWaitMs: number;

  constructor(estimatedWaitMs: number, deadline: number, limit: ReportsLimitOptions) {
    super(
      `The tenant's report budget (${limit.requests} requests per ${limit.windowMs / 1000} s, shared by every rollout and the status timer) cannot serve this request before its deadline ${new Date(deadline).toISOString()}: about ${Math.ceil(estimatedWaitMs / 1000)} s of queue. Lengthen the health interval, or run fewer rollouts at once on this tenant.`,
      { status: 0, code: 'reportsBudgetExceeded', graphMessage: '', requestId: undefined, operation: 'wait for the reports budget' },
    );
    this.name = 'ReportsBudgetExceededError';
    this.estimatedWaitMs = estimatedWaitMs;
  }
}

interface Slot {
  /** When the request finished (real clock, ms); Infinity while it is in flight. */
  endedAt: number;
}

interface Waiter {
  grant: (release: () => void) => void;
  fail: (error: unknown) => void;
}

/**
 * A sliding-window budget on the real clock: at most `requests` requests whose responses arrived within the last
 * `windowMs`. A slot is dated by its response, which arrives after Graph counted the request, so once our window has
 * moved past it Graph's window has too. Waiters are served in arrival order; a 429's Retry-After holds all of them.
 */
export class InProcessReportsBudget implements ReportsBudget {
  private readonly slots: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly limit: ReportsLimitOptions) {}

  acquire(options: { signal?: AbortSignal; deadline?: number } = {}): Promise<() => void> {
    const { signal, deadline } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signalReason(signal));
      if (deadline !== undefined) {
        const wait = this.estimateWaitMs(1);
        if (Date.now() + wait > deadline) return reject(new ReportsBudgetExceededError(wait, deadline, this.limit));
      }
      let deadlineTimer: NodeJS.Timeout | undefined;
      const leave = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        signal?.removeEventListener('abort', onAbort);
        clearTimeout(deadlineTimer);
      };
      const waiter: Waiter = {
        grant: (release) => {
          leave();
          resolve(release);
        },
        fail: (error) => {
          leave();
          reject(error instanceof Error ? error : new Error(String(error)));
          this.pump();
        },
      };
      const onAbort = (): void => waiter.fail(signalReason(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (deadline !== undefined) {
        deadlineTimer = setTimeout(() => waiter.fail(new ReportsBudgetExceededError(this.estimateWaitMs(1), deadline, this.limit)), Math.max(0, deadline - Date.now()));
      }
      this.waiters.push(waiter);
      this.pump();
    });
  }

  pause(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
    this.pump();
  }

  estimateWaitMs(requests = 1): number {
    const now = Date.now();
    this.prune(now);
    const pause = Math.max(0, this.pausedUntil - now);
    const ahead = this.waiters.length + requests;
    const free = this.limit.requests - this.slots.length;
    if (ahead <= free) return pause;
    // Each later window frees `requests` slots; the first frees when the oldest finished slot leaves the window.
    const ends = this.slots.map((s) => (Number.isFinite(s.endedAt) ? s.endedAt : now)).sort((a, b) => a - b);
    const firstFree = Math.max(0, (ends[0] ?? now) + this.limit.windowMs - now);
    const windows = Math.ceil((ahead - Math.max(0, free)) / this.limit.requests) - 1;
    return Math.max(pause, firstFree + windows * this.limit.windowMs);
  }

  /** Grants free slots to waiters in order; otherwise sets one timer for when the next slot frees. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    this.prune(now);
    while (this.waiters.length > 0 && now >= this.pausedUntil && this.slots.length < this.limit.requests) {
      const slot: Slot = { endedAt: Infinity };
      this.slots.push(slot);
      let released = false;
      this.waiters[0]?.grant(() => {
        if (released) return;
        released = true;
        slot.endedAt = Date.now();
        this.pump();
      });
    }
    if (this.waiters.length === 0) return;
    if (now < this.pausedUntil) {
      this.timer = setTimeout(() => this.pump(), this.pausedUntil - now);
      return;
    }
    const finished = this.slots.map((s) => s.endedAt).filter(Number.isFinite);
    // All slots in flight: their release pumps again.
    if (finished.length === 0) return;
    this.timer = setTimeout(() => this.pump(), Math.min(...finished) + this.limit.windowMs - now + 1);
  }

  private prune(now: number): void {
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const slot = this.slots[i];
      if (slot && slot.endedAt <= now - this.limit.windowMs) this.slots.splice(i, 1);
    }
  }
}

function signalReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException(`aborted (${String(reason)})`, 'AbortError');
}

/**
 * Whom Graph counts the reports limit for: the tenant, per app. A process is one app (one managed identity), so the
 * key is the Graph front end and the tenant.
 */
export interface ReportsBudgetKey {
  baseUrl: string;
  /** Tenant id (the tenantId option or the token's `tid`); undefined when unknown, e.g. an emulator's opaque tokens. */
  tenantId: string | undefined;
}

const shared = new Map<string, InProcessReportsBudget>();

/** One budget per tenant in the process: every gateway, rollout and the status timer share it. */
export function sharedReportsBudget(key: ReportsBudgetKey, limit: ReportsLimitOptions): InProcessReportsBudget {
  const name = [key.baseUrl, key.tenantId?.toLowerCase() ?? '-', `${limit.requests}/${limit.windowMs}`].join(' ');
  let budget = shared.get(name);
  if (!budget) {
    budget = new InProcessReportsBudget(limit);
    shared.set(name, budget);
  }
  return budget;
}

/**
 * The tenant a bearer token is for (its `tid` claim), read without checking the signature: only used to pick the
 * budget, never to authorise anything. undefined when the token is not a JWT (the emulator's tokens are opaque).
 */
export function tokenTenant(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const tid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>).tid;
    return typeof tid === 'string' && tid !== '' ? tid : undefined;
  } catch {
    return undefined;
  }
}
