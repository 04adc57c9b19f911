import { ReplayCache } from '../../src/teams/replay-cache';

const t0 = new Date('2025-03-01T12:00:00Z');
const later = (ms: number): Date => new Date(t0.getTime() + ms);

describe('replay cache', () => {
  it('accepts an id the first time and refuses it the second time', () => {
    const cache = new ReplayCache();
    expect(cache.remember('a', t0)).toBe(true);
    expect(cache.remember('a', later(1000))).toBe(false);
    expect(cache.remember('b', later(1000))).toBe(true);
  });

  it('forgets an id once its time to live has passed', () => {
    const cache = new ReplayCache({ ttlMs: 60_000 });
    cache.remember('a', t0);
    expect(cache.has('a', later(59_999))).toBe(true);
    expect(cache.has('a', later(60_000))).toBe(false);
    expect(cache.remember('a', later(60_000))).toBe(true);
  });

  it('stays within its capacity by dropping the oldest ids first', () => {
    const cache = new ReplayCache({ capacity: 3 });
    for (const id of ['a', 'b', 'c', 'd']) cache.remember(id, t0);
    expect(cache.size).toBe(3);
    expect(cache.has('a', t0)).toBe(false);
    expect(cache.has('d', t0)).toBe(true);
  });

  it('drops expired ids as new ones arrive, so a quiet webhook does not keep them', () => {
    const cache = new ReplayCache({ ttlMs: 1000 });
    for (let i = 0; i < 100; i++) cache.remember(`id${i}`, t0);
    cache.remember('fresh', later(1001));
    expect(cache.size).toBe(1);
  });

  it('keeps at most its default capacity of 10 000 ids, forgetting the oldest first', () => {
    const cache = new ReplayCache();
    for (let i = 0; i < 20_000; i++) cache.remember(`id${i}`, t0);
    expect(cache.size).toBe(10_000);
    expect(cache.has('id9999', t0)).toBe(false);
    expect(cache.has('id10000', t0)).toBe(true);
  });

  it('refuses a capacity or time to live that is not a positive whole number', () => {
    expect(() => new ReplayCache({ capacity: 0 })).toThrow(/capacity must be a positive whole number/);
    expect(() => new ReplayCache({ ttlMs: 1.5 })).toThrow(/ttlMs must be a positive whole number/);
  });
});
