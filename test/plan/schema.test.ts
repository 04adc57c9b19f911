import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePlan, type PlanProblem } from '../../src/plan';

const PILOT = '1ca44590-e896-4dbe-98ed-b140b1e7a53a';
const EARLY = 'aede0efe-c1b4-40dc-8ae7-2c402f23e312';
const rules = { minSoak: 'PT15M' };

const issueExample = {
  feature: 'displayAppInformation',
  rings: [
    { name: 'pilot', target: PILOT, soak: 'P1D', approval: true },
    { name: 'everyone', target: 'all_users', soak: 'PT1H' },
  ],
  approvalTimeout: 'P2D',
  onApprovalTimeout: 'rollback',
  health: { maxFailureRate: 0.05, minSignIns: 20, interval: 'PT15M' },
  rollback: 'default',
};

function errorsOf(input: unknown): PlanProblem[] {
  const result = validatePlan(input, rules);
  if (result.ok) throw new Error('expected the plan to be refused');
  return result.errors;
}

describe('rollout plan', () => {
  it('accepts the documented example unchanged', () => {
    const result = validatePlan(issueExample, rules);
    expect(result).toEqual({ ok: true, plan: { ...issueExample, rings: [issueExample.rings[0], { ...issueExample.rings[1], approval: false }] } });
  });

  it('fills the documented defaults for every optional field', () => {
    const result = validatePlan({ feature: 'displayLocationInformation', rings: [{ name: 'all', target: 'all_users', soak: 'PT1H' }] }, rules);
    expect(result.ok && result.plan).toEqual({
      feature: 'displayLocationInformation',
      rings: [{ name: 'all', target: 'all_users', soak: 'PT1H', approval: false }],
      approvalTimeout: 'P2D',
      onApprovalTimeout: 'rollback',
      health: { maxFailureRate: 0.05, minSignIns: 20, interval: 'PT15M' },
      rollback: 'default',
    });
  });

  it('reports every problem at once, each with its JSON path and a sentence', () => {
    const errors = errorsOf({
      feature: 'passwordless',
      rings: [
        { name: 'pilot', target: 'not-a-guid', soak: 'PT5M' },
        { name: 'pilot', target: EARLY, soak: 'tomorrow', approval: 'yes' },
      ],
      approvalTimeout: 'P1M',
      onApprovalTimeout: 'wait',
      health: { maxFailureRate: 1.5, minSignIns: 0.5, interval: 'PT10S' },
      rollback: 'previous',
      colour: 'blue',
    });
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '$.feature',
        '$.rings[0].target',
        '$.rings[0].soak',
        '$.rings[1].name',
        '$.rings[1].soak',
        '$.rings[1].approval',
        '$.rings[1].target',
        '$.approvalTimeout',
        '$.onApprovalTimeout',
        '$.health.maxFailureRate',
        '$.health.minSignIns',
        '$.health.interval',
        '$.rollback',
        '$.colour',
      ]),
    );
    for (const e of errors) expect(e.message.length).toBeGreaterThan(5);
    expect(errors.find((e) => e.path === '$.rings[0].soak')?.message).toMatch(/shorter than the minimum soak PT15M/);
    expect(errors.find((e) => e.path === '$.rings[1].target')?.message).toMatch(/last ring must target "all_users"/);
    expect(errors.find((e) => e.path === '$.approvalTimeout')?.message).toMatch(/years or months/);
    expect(errors.find((e) => e.path === '$.colour')?.message).toBe('is not a plan field');
  });

  it('refuses a target used by two rings', () => {
    const errors = errorsOf({
      feature: 'displayAppInformation',
      rings: [
        { name: 'a', target: PILOT, soak: 'PT1H' },
        { name: 'b', target: PILOT.toUpperCase(), soak: 'PT1H' },
        { name: 'c', target: 'all_users', soak: 'PT1H' },
      ],
    });
    expect(errors).toEqual([{ path: '$.rings[1].target', message: 'repeats the target of rings[0]; each ring needs its own target' }]);
  });

  it('says which fields are missing', () => {
    expect(errorsOf({})).toEqual(
      expect.arrayContaining([
        { path: '$.feature', message: 'is required' },
        { path: '$.rings', message: 'is required' },
      ]),
    );
    expect(errorsOf({ feature: 'companionApp', rings: [] })).toEqual([{ path: '$.rings', message: 'must list at least one ring' }]);
  });

  it('refuses input that is not an object', () => {
    expect(errorsOf('plan')[0]?.path).toBe('$');
    expect(errorsOf(null)[0]?.path).toBe('$');
  });

  it('honours ROLLOUT_MIN_SOAK', () => {
    const plan = { feature: 'companionApp', rings: [{ name: 'all', target: 'all_users', soak: 'PT2H' }] };
    expect(validatePlan(plan, { minSoak: 'PT1H' }).ok).toBe(true);
    expect(validatePlan(plan, { minSoak: 'PT3H' })).toEqual({
      ok: false,
      errors: [{ path: '$.rings[0].soak', message: 'is shorter than the minimum soak PT3H (3h, ROLLOUT_MIN_SOAK)' }],
    });
  });

  it('refuses negative and zero durations', () => {
    const errors = errorsOf({ feature: 'companionApp', rings: [{ name: 'all', target: 'all_users', soak: '-P1D' }], approvalTimeout: 'PT0S' });
    expect(errors.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/negative/), expect.stringMatching(/zero/)]));
  });
});

describe('plans for a real tenant (examples/real-tenant)', () => {
  const dir = join(__dirname, '../../../examples/real-tenant');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('exist for every feature a current tenant can roll out', () => {
    const features = files.map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { feature: string }).feature);
    expect(features.sort()).toEqual(['companionApp', 'displayAppInformation', 'displayLocationInformation']);
  });

  it('are refused until their placeholders are replaced, each placeholder named with what to put there', () => {
    for (const file of files) {
      const errors = errorsOf(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      expect({ file, errors }).toEqual({
        file,
        errors: [
          { path: '$.rings[0].target', message: expect.stringMatching(/^is still the placeholder "<pilot-group-object-id>": replace it with the object id of the group/) as unknown },
          { path: '$.rings[1].target', message: expect.stringMatching(/^is still the placeholder "<early-adopters-group-object-id>": replace it with the object id of the group/) as unknown },
        ],
      });
    }
  });

  it('are valid once group object ids are put in, so the placeholders are the only thing left to do', () => {
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8').replace('<pilot-group-object-id>', PILOT).replace('<early-adopters-group-object-id>', EARLY);
      expect({ file, ok: validatePlan(JSON.parse(text), rules).ok }).toEqual({ file, ok: true });
    }
  });

  it('keeps the plain GUID message for a target that is neither a GUID nor a placeholder', () => {
    const plan = { ...issueExample, rings: [{ name: 'pilot', target: 'IT pilot', soak: 'P1D' }, issueExample.rings[1]] };
    expect(errorsOf(plan)).toEqual([{ path: '$.rings[0].target', message: 'must be a group object id (GUID) or "all_users"' }]);
  });
});

describe('the demo plans in examples/', () => {
  it('stay valid against the emulated tenant as they are', () => {
    const dir = join(__dirname, '../../../examples');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      expect({ file, ok: validatePlan(JSON.parse(readFileSync(join(dir, file), 'utf8')), rules).ok }).toEqual({ file, ok: true });
    }
  });
});
