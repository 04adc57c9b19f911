/** A sliding-window request limit on a given clock (the tenant's clock by default: see ThrottleSettings.clock). */
export class SlidingWindowLimit {
  private readonly accepted: number[] = [];

  constructor(
    private readonly requests: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
  ) {}

  /** Takes a slot, or says how many whole seconds until one frees. */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.clock();
    while (this.accepted.length > 0 && (this.accepted[0] ?? now) <= now - this.windowMs) this.accepted.shift();
    if (this.accepted.length < this.requests) {
      this.accepted.push(now);
      return { ok: true };
    }
    const oldest = this.accepted[0] ?? now;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
  }
}

/** Graph's identity and access reports limit is per app per tenant: one window per client id. */
export class PerAppLimit {
  private readonly limits = new Map<string, SlidingWindowLimit>();

  constructor(
    private readonly requests: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
  ) {}

  take(appId: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    let limit = this.limits.get(appId);
    if (!limit) {
      limit = new SlidingWindowLimit(this.requests, this.windowMs, this.clock);
      this.limits.set(appId, limit);
    }
    return limit.take();
  }
}
