/** Time for the local durable host: real, or virtual so that days of durable timers pass instantly. */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Calls `onFire` once the clock reaches `at` (at once if it already has). */
  setTimer(at: Date, onFire: () => void): TimerHandle;
}

/** setTimeout caps delays at about 24.8 days, so longer timers re-arm in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class RealClock implements Clock {
  now(): Date {
    return new Date();
  }

  setTimer(at: Date, onFire: () => void): TimerHandle {
    let handle: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const delay = at.getTime() - Date.now();
      if (delay <= 0) {
        handle = setTimeout(onFire, 0);
        return;
      }
      handle = setTimeout(delay > MAX_TIMEOUT_MS ? arm : onFire, Math.min(delay, MAX_TIMEOUT_MS));
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  }
}

interface VirtualTimer {
  at: number;
  seq: number;
  onFire: () => void;
}

/**
 * Starts at a given instant and never advances by itself; `advanceTo` moves it and fires what is due, in order.
 * `now` is a plain function so other components (the emulated tenant) can share the same time.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly timers = new Set<VirtualTimer>();
  private seq = 0;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  readonly now = (): Date => new Date(this.current);

  setTimer(at: Date, onFire: () => void): TimerHandle {
    const timer: VirtualTimer = { at: at.getTime(), seq: this.seq++, onFire };
    if (timer.at <= this.current) {
      setImmediate(onFire);
      return { cancel: () => undefined };
    }
    this.timers.add(timer);
    return { cancel: () => this.timers.delete(timer) };
  }

  /** The earliest armed timer, or null when none is armed. */
  nextTimerAt(): Date | null {
    let earliest: number | undefined;
    for (const t of this.timers) if (earliest === undefined || t.at < earliest) earliest = t.at;
    return earliest === undefined ? null : new Date(earliest);
  }

  /** Moves the clock forward (never back) and fires every timer now due, earliest first. */
  advanceTo(instant: Date): void {
    this.current = Math.max(this.current, instant.getTime());
    const due = [...this.timers].filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const t of due) {
      this.timers.delete(t);
      t.onFire();
    }
  }

  advanceBy(ms: number): void {
    this.advanceTo(new Date(this.current + ms));
  }
}
