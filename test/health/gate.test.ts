import { advanceSegment, firstSegment, healthEvidence, judgeHealth, SEGMENT_PUSHES, type HealthRule, type PushTotals } from '../../src/health';

const rule: HealthRule = { maxFailureRate: 0.05, minSignIns: 20, maxIncrease: 0.05, falseRollbackRate: 0.01 };
const ceiling20: HealthRule = { ...rule, maxFailureRate: 0.2 };

function totals(failures: number, attempts: number): PushTotals {
  return { attempts, failures, reasons: { declined: failures, noResponse: 0, wrongNumber: 0, fraud: 0, other: 0 } };
}

/** mulberry32: a seeded generator, so the Monte Carlo below gives the same figure on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(random: () => number, mean: number): number {
  // Small means only (at most a few dozen): multiplication is exact and fast enough.
  let k = 0;
  let product = random();
  const limit = Math.exp(-mean);
  while (product > limit) {
    k++;
    product *= random();
  }
  return k;
}

describe('the health gate', () => {
  it('does not treat an early cluster (3 push failures of the first 8, 20% ceiling) as a breach', () => {
    const verdict = judgeHealth(totals(3, 8), null, ceiling20);
    expect(verdict.state).toBe('insufficient');
    expect(verdict.lowerBound).toBeLessThan(0.2);
    expect(verdict.sentence).toMatch(/^Not enough evidence yet: 3 of 8 Authenticator pushes failed \(37\.5%: 3 declined\)/);
  });

  it('rolls back a 40% spike at 5 pushes per second against a 20% ceiling within 15 one-second checks', () => {
    let breachedAt: number | null = null;
    for (let second = 1; second <= 15 && breachedAt === null; second++) {
      if (judgeHealth(totals(2 * second, 5 * second), null, ceiling20).state === 'breached') breachedAt = second;
    }
    expect(breachedAt).not.toBeNull();
    expect(breachedAt).toBeLessThanOrEqual(15);
  });

  it('rolls back a 5,000-user wave whose pushes jump from 3% to 30% failures at the first check that sees it', () => {
    const verdict = judgeHealth(totals(30, 100), totals(2100, 70_000), rule);
    expect(verdict).toMatchObject({ state: 'breached', breachedBy: 'ceiling' });
    expect(verdict.sentence).toMatch(/^Breached: 30 of 100 .*With 99% confidence the true failure rate is at least \d+(\.\d)?%, above the 5% ceiling\.$/);
  });

  it('rolls back a ring worse than its baseline by more than the tolerance even under a high ceiling', () => {
    const verdict = judgeHealth(totals(70, 400), totals(300, 10_000), ceiling20);
    expect(verdict.baseline).toBeGreaterThan(0.03);
    expect(verdict.baseline).toBeLessThan(0.04);
    expect(verdict).toMatchObject({ state: 'breached', breachedBy: 'baseline' });
    expect(verdict.sentence).toMatch(/more than 5\.0 percentage points above the 3\.\d% baseline of users not yet in the ring/);
  });

  it('caps a baseline measured during an incident at the ceiling, so the ceiling still judges the ring', () => {
    const incident = totals(4000, 10_000);
    const bad = judgeHealth(totals(30, 100), incident, rule);
    expect(bad.baseline).toBe(0.05);
    expect(bad).toMatchObject({ state: 'breached', breachedBy: 'ceiling' });
    const fine = judgeHealth(totals(3, 100), incident, rule);
    expect(fine.state).toBe('healthy');
  });

  it('judges a jump late in a long soak on the recent pushes, where days of healthy pushes would dilute it', () => {
    let segment = firstSegment();
    let ring = totals(0, 0);
    for (let check = 0; check < 300; check++) {
      ring = totals(ring.failures + 3, ring.attempts + 100);
      segment = advanceSegment(segment, ring);
    }
    expect(segment.index).toBe(1 + Math.floor(30_000 / SEGMENT_PUSHES));
    const afterJump = totals(ring.failures + 60, ring.attempts + 200);
    expect(judgeHealth(afterJump, null, rule).state).toBe('healthy');
    const verdict = judgeHealth(afterJump, null, rule, segment);
    expect(verdict).toMatchObject({ state: 'breached', boundOver: 'recent', recentAttempts: 200 });
    expect(verdict.sentence).toMatch(/the true failure rate of the last 200 pushes is at least/);
  });

  it('judges against the ceiling alone while the control has no push yet', () => {
    const verdict = judgeHealth(totals(1, 40), totals(0, 0), ceiling20);
    expect(verdict).toMatchObject({ baseline: null, controlRate: null, threshold: 0.2, state: 'healthy' });
    expect(verdict.sentence).not.toMatch(/baseline/);
  });

  it('says healthy only from minSignIns push attempts on', () => {
    expect(judgeHealth(totals(0, 19), null, rule).state).toBe('insufficient');
    const verdict = judgeHealth(totals(0, 20), totals(30, 1000), rule);
    expect(verdict.state).toBe('healthy');
    expect(verdict.sentence).toMatch(/^Healthy: 0 of 20 Authenticator pushes failed \(0%\); baseline \d+(\.\d)?% \(users not yet in the ring: 3%\)/);
  });

  it('rarely rolls back a healthy ring checked every 15 minutes for a day, even at the ceiling (seeded Monte Carlo)', () => {
    const random = seeded(7);
    // A ring failing exactly at the ceiling is the hardest healthy case: any rate below it breaches less often.
    const cells = [
      { pushesPerCheck: 1, rate: 0.05 },
      { pushesPerCheck: 30, rate: 0.05 },
    ];
    for (const cell of cells) {
      const trials = 250;
      let rollbacks = 0;
      for (let t = 0; t < trials; t++) {
        const ring = totals(0, 0);
        const control = totals(poisson(random, 25) + 300, 10_000);
        let segment = firstSegment();
        for (let check = 0; check < 96; check++) {
          const failed = poisson(random, cell.pushesPerCheck * cell.rate);
          ring.failures += failed;
          ring.reasons.declined += failed;
          ring.attempts += failed + poisson(random, cell.pushesPerCheck * (1 - cell.rate));
          if (healthEvidence(ring, control, rule, segment).state === 'breached') {
            rollbacks++;
            break;
          }
          segment = advanceSegment(segment, ring);
        }
      }
      expect(rollbacks / trials).toBeLessThan(0.02);
    }
  }, 120_000);
});
