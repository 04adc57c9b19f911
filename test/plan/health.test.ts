import { HEALTH_DEFAULTS, healthRuleOf, validatePlan, type PlanProblem } from '../../src/plan';

const rules = { minSoak: 'PT15M' };
const base = { feature: 'displayAppInformation', rings: [{ name: 'all', target: 'all_users', soak: 'PT1H' }] };

function healthOf(health: unknown) {
  const result = validatePlan({ ...base, health }, rules);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`);
  return result.plan.health;
}

function problemsOf(health: unknown): PlanProblem[] {
  const result = validatePlan({ ...base, health }, rules);
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}

describe('plan health fields', () => {
  it('keeps a plan written with only the original three health fields valid, and gives the rule its defaults', () => {
    const health = healthOf({ maxFailureRate: 0.05, minSignIns: 20, interval: 'PT15M' });
    expect(health).toEqual({ maxFailureRate: 0.05, minSignIns: 20, interval: 'PT15M' });
    expect(healthRuleOf(health)).toEqual({ maxFailureRate: 0.05, minSignIns: 20, interval: 'PT15M', maxIncrease: 0.05, falseRollbackRate: 0.01, baselineWindow: 'P7D' });
  });

  it('fills every health default when the plan has no health object', () => {
    const result = validatePlan(base, rules);
    expect(result.ok && healthRuleOf(result.plan.health)).toEqual(HEALTH_DEFAULTS);
  });

  it('accepts the tolerance, the false-rollback rate and the baseline window when given', () => {
    const health = healthOf({ maxFailureRate: 0.2, maxIncrease: 0.03, falseRollbackRate: 0.05, baselineWindow: 'P14D' });
    expect(healthRuleOf(health)).toMatchObject({ maxFailureRate: 0.2, maxIncrease: 0.03, falseRollbackRate: 0.05, baselineWindow: 'P14D' });
  });

  it('names each bad new health field with its path and a reason', () => {
    const errors = problemsOf({ maxIncrease: -0.1, falseRollbackRate: 0, baselineWindow: 'P60D' });
    const byPath = new Map(errors.map((e) => [e.path, e.message]));
    expect(byPath.get('$.health.maxIncrease')).toMatch(/at least 0/);
    expect(byPath.get('$.health.falseRollbackRate')).toMatch(/above 0/);
    expect(byPath.get('$.health.baselineWindow')).toMatch(/P30D.*30 days/);
    expect(problemsOf({ falseRollbackRate: 0.5 }).map((e) => e.message)).toEqual(['must be at most 0.2']);
    expect(problemsOf({ baselineWindow: 'a week' })[0]).toMatchObject({ path: '$.health.baselineWindow', message: expect.stringMatching(/ISO 8601/) });
    expect(problemsOf({ maxIncrease: '5%' })[0]).toMatchObject({ path: '$.health.maxIncrease', message: expect.stringMatching(/number between 0 and 1/) });
  });
});
