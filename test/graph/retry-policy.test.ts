import { backoffMs, DEFAULT_RETRY, retryAfterMs } from '../../src/graph/retry-policy';

describe('Retry-After', () => {
  const now = Date.parse('2025-03-01T10:00:00Z');

  it('in seconds is waited to the second', () => {
    expect(retryAfterMs('1', now)).toBe(1000);
    expect(retryAfterMs(' 17 ', now)).toBe(17_000);
  });

  it('as an HTTP-date is waited until that moment, and not at all when it has passed', () => {
    expect(retryAfterMs('Sat, 01 Mar 2025 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Sat, 01 Mar 2025 09:59:00 GMT', now)).toBe(0);
  });

  it('that is absent or unreadable leaves the choice to the backoff', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('backoff without Retry-After', () => {
  it('doubles per retry, stays within its upper half-band and never exceeds the bound', () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4].map((retry) => backoffMs(retry, options, () => 1))).toEqual([1000, 2000, 4000, 5000]);
    expect([1, 2, 3, 4].map((retry) => backoffMs(retry, options, () => 0))).toEqual([500, 1000, 2000, 2500]);
  });
});
