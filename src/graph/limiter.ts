import { setTimeout as sleep } from 'node:timers/promises';
import type { ReportsLimitOptions } from './types';

/** How often a waiter looks again while every slot is held by a request still in flight. */
const IN_FLIGHT_POLL_MS = 50;

interface Slot {
  /** When the request finished (real clock, ms); Infinity while it is in flight. */
  endedAt: number;
}

/**
 * A sliding-window limit on the real clock: at most `requests` requests whose responses arrived within the last
 * `windowMs`. A slot is dated by its response, which arrives after Graph counted the request, so once our window has
 * moved past it Graph's window has too; waiting callers are served in order.
 */
export class SlidingWindowLimiter {
  private readonly slots: Slot[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly limit: ReportsLimitOptions) {}

  /** Waits for a free slot; call the returned function when the request has finished. */
  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(): Promise<() => void> {
    for (;;) {
      const now = Date.now();
      this.prune(now);
      if (this.slots.length < this.limit.requests) {
        const slot: Slot = { endedAt: Infinity };
        this.slots.push(slot);
        return () => {
          slot.endedAt = Date.now();
        };
      }
      const oldest = Math.min(...this.slots.map((s) => s.endedAt));
      await sleep(Number.isFinite(oldest) ? oldest + this.limit.windowMs - now + 1 : IN_FLIGHT_POLL_MS);
    }
  }

  private prune(now: number): void {
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const slot = this.slots[i];
      if (slot && slot.endedAt <= now - this.limit.windowMs) this.slots.splice(i, 1);
    }
  }
}

const shared = new Map<string, SlidingWindowLimiter>();

/** Graph's reports limit is per app and tenant, so every gateway in the process for one Graph shares one limiter. */
export function sharedReportsLimiter(baseUrl: string, limit: ReportsLimitOptions): SlidingWindowLimiter {
  const key = `${baseUrl} ${limit.requests}/${limit.windowMs}`;
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = new SlidingWindowLimiter(limit);
    shared.set(key, limiter);
  }
  return limiter;
}
