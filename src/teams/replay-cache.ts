/**
 * Remembers the activity ids seen recently so that a captured, correctly signed request cannot be played again: the
 * Teams signature carries no timestamp or nonce. Bounded in size and time; every operation is amortised O(1).
 */

export const DEFAULT_REPLAY_CAPACITY = 10_000;
/** Longer than the whole window of accepted timestamps (5 minutes either side), so an id is kept while it could be replayed. */
export const DEFAULT_REPLAY_TTL_MS = 10 * 60_000;

export interface ReplayCacheOptions {
  capacity?: number;
  ttlMs?: number;
}

export class ReplayCache {
  private readonly capacity: number;
  private readonly ttlMs: number;
  /** id -> expiry (epoch ms). A Map iterates in insertion order, so the oldest entry is always first. */
  private readonly expiries = new Map<string, number>();

  constructor(options: ReplayCacheOptions = {}) {
    this.capacity = positiveInteger(options.capacity ?? DEFAULT_REPLAY_CAPACITY, 'capacity');
    this.ttlMs = positiveInteger(options.ttlMs ?? DEFAULT_REPLAY_TTL_MS, 'ttlMs');
  }

  get size(): number {
    return this.expiries.size;
  }

  has(id: string, now: Date): boolean {
    const expiry = this.expiries.get(id);
    return expiry !== undefined && expiry > now.getTime();
  }

  /** Records `id`; returns false when it was already seen and has not expired (a replay). */
  remember(id: string, now: Date): boolean {
    this.evictExpired(now.getTime());
    if (this.has(id, now)) return false;
    this.expiries.delete(id);
    // When full, the oldest id goes first: it is the one closest to falling out of the accepted timestamp window anyway.
    while (this.expiries.size >= this.capacity) {
      const oldest = this.expiries.keys().next();
      if (oldest.done === true) break;
      this.expiries.delete(oldest.value);
    }
    this.expiries.set(id, now.getTime() + this.ttlMs);
    return true;
  }

  private evictExpired(nowMs: number): void {
    for (const [id, expiry] of this.expiries) {
      if (expiry > nowMs) return;
      this.expiries.delete(id);
    }
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`ReplayCache ${name} must be a positive whole number, got ${value}`);
  return value;
}
