import fc from 'fast-check';
import { logEvidenceAgainst, logGamma, rateBounds } from '../../src/health';

describe('always-valid bounds on a failure rate', () => {
  it('computes ln Gamma to about 12 digits', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('brackets the observed rate, and each end is where the evidence reaches 1/alpha', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.001, 0.01, 0.05), (attempts, share, alpha) => {
        const failures = Math.round(share * attempts);
        const { lower, upper } = rateBounds(failures, attempts, alpha);
        expect(lower).toBeLessThanOrEqual(failures / attempts);
        expect(upper).toBeGreaterThanOrEqual(failures / attempts);
        // Just outside each end the evidence against the rate is at least 1/alpha; just inside it is below.
        if (failures > 0) {
          expect(logEvidenceAgainst(lower, failures, attempts)).toBeGreaterThanOrEqual(Math.log(1 / alpha) - 1e-6);
          expect(logEvidenceAgainst(lower * 1.001 + 1e-9, failures, attempts)).toBeLessThan(Math.log(1 / alpha) + 1e-6);
        } else expect(lower).toBe(0);
        if (failures < attempts) expect(logEvidenceAgainst(upper, failures, attempts)).toBeGreaterThanOrEqual(Math.log(1 / alpha) - 1e-6);
        else expect(upper).toBe(1);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('widens as the confidence grows and narrows as attempts accumulate', () => {
    const loose = rateBounds(30, 100, 0.05);
    const strict = rateBounds(30, 100, 0.001);
    expect(strict.lower).toBeLessThan(loose.lower);
    expect(strict.upper).toBeGreaterThan(loose.upper);
    const more = rateBounds(300, 1000, 0.05);
    expect(more.lower).toBeGreaterThan(loose.lower);
    expect(more.upper).toBeLessThan(loose.upper);
  });

  it('refuses counts that cannot be', () => {
    expect(() => rateBounds(5, 3, 0.01)).toThrow(RangeError);
    expect(() => rateBounds(1, 3, 0)).toThrow(RangeError);
    expect(rateBounds(0, 0, 0.01)).toEqual({ lower: 0, upper: 1 });
  });
});
