import fc from 'fast-check';
import { applyPatch, featureStatus, isNumberMatchingEnforced, planEnable, planRollback, verifyWrite, type PlannedWrite } from '../../src/policy';
import { FEATURE_KEYS, type AuthenticatorConfig, type JsonObject, type JsonValue } from '../../src/policy/types';
import { legacyScenario, settingsScenario, type Scenario } from './arbitraries';
import { deepFreeze, policyErrorOf } from './fixtures';

const RUNS = { numRuns: 200 };
const bothShapes = fc.oneof(legacyScenario, settingsScenario);

interface Step {
  ring: string;
  before: AuthenticatorConfig;
  planned: PlannedWrite;
  after: AuthenticatorConfig;
}

/** Enables the scenario's rings in order, each against a frozen read of the previous result. */
function rollOut({ config, feature, rings }: Scenario, count = rings.length): Step[] {
  const steps: Step[] = [];
  let current = deepFreeze(structuredClone(config));
  for (const ring of rings.slice(0, count)) {
    const planned = planEnable(current, feature, ring);
    const after = deepFreeze(applyPatch(current, planned.body));
    steps.push({ ring, before: current, planned, after });
    current = after;
  }
  return steps;
}

function lastConfig(scenario: Scenario, steps: Step[]): AuthenticatorConfig {
  return steps.at(-1)?.after ?? deepFreeze(structuredClone(scenario.config));
}

function isEnforcedNumberMatching({ config, feature }: Scenario): boolean {
  return feature === 'numberMatching' && isNumberMatchingEnforced(config);
}

function targets(config: AuthenticatorConfig): JsonObject[] {
  return config.includeTargets as JsonObject[];
}

function settings(config: AuthenticatorConfig): JsonObject {
  return config.featureSettings as JsonObject;
}

function without(object: JsonObject, ...keys: string[]): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

/** Byte-identical, key order included. */
function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function stripAnnotations(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.includes('@odata.')).map(([key, inner]) => [key, stripAnnotations(inner)]));
}

function expectTopLevelUntouched(before: AuthenticatorConfig, after: AuthenticatorConfig, owned: string): void {
  expect(Object.keys(after)).toEqual(Object.keys(before));
  for (const key of Object.keys(before)) if (key !== owned) expect(same(after[key], before[key])).toBe(true);
}

describe('policy engine properties over arbitrary valid configurations and ring sequences', () => {
  it('never leaves two enabled targets for the feature, and each ring in turn is the one enabled target', () => {
    fc.assert(
      fc.property(bothShapes, (scenario) => {
        fc.pre(!isEnforcedNumberMatching(scenario));
        for (const step of rollOut(scenario)) {
          const status = featureStatus(step.after, scenario.feature);
          expect(status.enabledTargets).toHaveLength(1);
          expect(status.enabledTarget?.toLowerCase()).toBe(step.ring.toLowerCase());
        }
      }),
      RUNS,
    );
  });

  it('changes nothing but the feature: other features, other keys of targets, unknown properties and the exclude target stay identical', () => {
    fc.assert(
      fc.property(bothShapes, (scenario) => {
        fc.pre(!isEnforcedNumberMatching(scenario));
        const key = FEATURE_KEYS[scenario.feature];
        for (const { ring, before, after } of rollOut(scenario)) {
          if ('featureSettings' in before) {
            expectTopLevelUntouched(before, after, 'featureSettings');
            const was = settings(before);
            const now = settings(after);
            expect(Object.keys(now)).toEqual(Object.keys(was));
            for (const name of Object.keys(was)) if (name !== key) expect(same(now[name], was[name])).toBe(true);
            const oldEntry = was[key] as JsonObject;
            const newEntry = now[key] as JsonObject;
            expect(same(without(newEntry, 'state', 'includeTarget'), without(oldEntry, 'state', 'includeTarget'))).toBe(true);
            expect(same(without(newEntry.includeTarget as JsonObject, 'id'), without(oldEntry.includeTarget as JsonObject, 'id'))).toBe(true);
            expect(newEntry.state).toBe('enabled');
            expect((newEntry.includeTarget as JsonObject).id).toBe(ring);
          } else {
            expectTopLevelUntouched(before, after, 'includeTargets');
            const was = targets(before);
            const now = targets(after);
            const added = was.some((target) => target.id === ring) ? 0 : 1;
            expect(now).toHaveLength(was.length + added);
            was.forEach((target, index) => {
              const next = now[index]!;
              expect(same(without(next, key), without(target, key))).toBe(true);
              const expected = target.id === ring ? 'enabled' : target[key] === 'enabled' ? 'default' : target[key];
              expect(next[key]).toBe(expected);
            });
          }
        }
      }),
      RUNS,
    );
  });

  it('a snapshot rollback after any number of rings restores the original configuration exactly', () => {
    fc.assert(
      fc.property(bothShapes, (scenario) => {
        fc.pre(!isEnforcedNumberMatching(scenario));
        const current = lastConfig(scenario, rollOut(scenario, scenario.prefix));
        const restored = applyPatch(current, planRollback(deepFreeze(structuredClone(scenario.config)), current, scenario.feature, 'snapshot').body);
        expect(stripAnnotations(restored)).toEqual(stripAnnotations(scenario.config));
        expect(same(restored, scenario.config)).toBe(true);
      }),
      RUNS,
    );
  });

  it('a default rollback leaves the feature at default (pre-rollout include target / no enabled target) and everything else as it is now', () => {
    fc.assert(
      fc.property(bothShapes, (scenario) => {
        fc.pre(!isEnforcedNumberMatching(scenario));
        const key = FEATURE_KEYS[scenario.feature];
        const snapshot = deepFreeze(structuredClone(scenario.config));
        const current = lastConfig(scenario, rollOut(scenario, scenario.prefix));
        const after = applyPatch(current, planRollback(snapshot, current, scenario.feature, 'default').body);
        if ('featureSettings' in current) {
          expectTopLevelUntouched(current, after, 'featureSettings');
          const now = settings(current);
          for (const name of Object.keys(now)) if (name !== key) expect(same(settings(after)[name], now[name])).toBe(true);
          const entry = settings(after)[key] as JsonObject;
          expect(entry.state).toBe('default');
          expect(entry.includeTarget).toEqual((settings(snapshot)[key] as JsonObject).includeTarget);
          expect(same(entry.excludeTarget, (now[key] as JsonObject).excludeTarget)).toBe(true);
        } else {
          expectTopLevelUntouched(current, after, 'includeTargets');
          expect(featureStatus(after, scenario.feature).enabledTargets).toEqual([]);
          const original = new Set(targets(snapshot).map((target) => target.id));
          const kept = targets(current).filter((target) => original.has(target.id));
          expect(targets(after).map((target) => target.id)).toEqual(kept.map((target) => target.id));
          kept.forEach((target, index) => {
            const next = targets(after)[index]!;
            expect(same(without(next, key), without(target, key))).toBe(true);
            expect(next[key]).toBe(target[key] === 'enabled' ? 'default' : target[key]);
          });
        }
      }),
      RUNS,
    );
  });

  it('verifyWrite accepts the read-back Graph would give for every enable and rollback write', () => {
    fc.assert(
      fc.property(bothShapes, fc.constantFrom('default' as const, 'snapshot' as const), (scenario, mode) => {
        fc.pre(!isEnforcedNumberMatching(scenario));
        const steps = rollOut(scenario);
        for (const { before, planned, after } of steps) expect(verifyWrite(before, planned, after)).toEqual({ ok: true, problems: [] });
        const current = lastConfig(scenario, steps);
        const rollback = planRollback(scenario.config, current, scenario.feature, mode);
        expect(verifyWrite(current, rollback, applyPatch(current, rollback.body))).toEqual({ ok: true, problems: [] });
      }),
      RUNS,
    );
  });

  it('a rollback in either mode keeps what others changed meanwhile in parts the rollout does not own', () => {
    fc.assert(
      fc.property(bothShapes, fc.constantFrom('default' as const, 'snapshot' as const), (scenario, mode) => {
        fc.pre(!isEnforcedNumberMatching(scenario));
        const key = FEATURE_KEYS[scenario.feature];
        const meanwhile = structuredClone(lastConfig(scenario, rollOut(scenario, scenario.prefix)));
        meanwhile.xChangedBySomeoneElse = 'kept';
        if ('featureSettings' in meanwhile) settings(meanwhile).xOtherFeatureState = { state: 'enabled' };
        else for (const target of targets(meanwhile)) target.xNote = `edited ${JSON.stringify(target.id)}`;
        const after = applyPatch(meanwhile, planRollback(scenario.config, deepFreeze(meanwhile), scenario.feature, mode).body);
        expect(after.xChangedBySomeoneElse).toBe('kept');
        if ('featureSettings' in after) expect(settings(after).xOtherFeatureState).toEqual({ state: 'enabled' });
        else for (const target of targets(after)) expect(without(target, key).xNote).toBe(`edited ${JSON.stringify(target.id)}`);
      }),
      RUNS,
    );
  });

  type Tamper = 'methodState' | 'newProperty' | 'wrongTarget' | 'otherPart';
  const tampers = fc.constantFrom<Tamper>('methodState', 'newProperty', 'wrongTarget', 'otherPart');

  /** A read-back in which something the write does not own changed, or the feature shows the wrong target. */
  function tampered(readBack: AuthenticatorConfig, scenario: Scenario, ring: string, tamper: Tamper, otherId: string): AuthenticatorConfig {
    const copy = structuredClone(readBack);
    const key = FEATURE_KEYS[scenario.feature];
    const featureSettings = 'featureSettings' in copy;
    switch (tamper) {
      case 'methodState':
        copy.state = copy.state === 'enabled' ? 'disabled' : 'enabled';
        break;
      case 'newProperty':
        copy.xTamperedBySomeoneElse = true;
        break;
      case 'wrongTarget':
        if (featureSettings) (settings(copy)[key] as JsonObject).includeTarget = { targetType: 'group', id: otherId };
        else for (const target of targets(copy)) if (target.id === ring) target[key] = 'default';
        break;
      case 'otherPart':
        if (featureSettings) settings(copy).xFutureFeatureState = { state: 'enabled' };
        else targets(copy)[0]!.authenticationMode = targets(copy)[0]!.authenticationMode === 'push' ? 'any' : 'push';
        break;
    }
    return copy;
  }

  it('verifyWrite rejects a read-back where anything not owned changed or the feature shows the wrong target', () => {
    fc.assert(
      fc.property(bothShapes, tampers, fc.uuid(), (scenario, tamper, otherId) => {
        fc.pre(!isEnforcedNumberMatching(scenario));
        for (const { ring, before, planned, after } of rollOut(scenario)) {
          const verification = verifyWrite(before, planned, tampered(after, scenario, ring, tamper, otherId));
          expect(verification.ok).toBe(false);
          expect(verification.problems.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('never sends numberMatchingRequiredState in the featureSettings shape, where number matching is enforced and cannot be rolled out', () => {
    fc.assert(
      fc.property(settingsScenario, fc.constantFrom('default' as const, 'snapshot' as const), (scenario, mode) => {
        const steps = rollOut(scenario);
        for (const { planned } of steps) expect(settings(planned.body)).not.toHaveProperty(FEATURE_KEYS.numberMatching);
        const rollback = planRollback(scenario.config, lastConfig(scenario, steps), scenario.feature, mode);
        expect(settings(rollback.body)).not.toHaveProperty(FEATURE_KEYS.numberMatching);
        expect(featureStatus(scenario.config, 'numberMatching').enforcedByMicrosoft).toBe(true);
        expect(policyErrorOf(() => planEnable(scenario.config, 'numberMatching', scenario.rings[0]!)).code).toBe('NumberMatchingEnforced');
      }),
      RUNS,
    );
  });
});
