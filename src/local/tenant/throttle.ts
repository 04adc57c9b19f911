/** A sliding-window request limit on the real clock (throttling is about real request rates, not the tenant's clock). */
export class SlidingWindowLimit {
  private readonly accepted: number[] = [];

  constructor(
    private readonly requests: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
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
