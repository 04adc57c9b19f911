import { plan, startHarness, type Harness } from '../harness';

/** Graph's reports limit is the tenant's, not a rollout's: rollouts that check at the same moment take turns. */

jest.setTimeout(120_000);

let h: Harness;
afterEach(async () => h.close());

describe('the shared report budget', () => {
  it('spreads the checks of two rollouts due at the same moment by the paced cost of the first one’s reads', async () => {
    h = await startHarness();
    const oneRing = { rings: [{ name: 'everyone', target: 'all_users', soak: 'PT2H', approval: false }], health: { maxFailureRate: 0.05, minSignIns: 10, interval: 'PT15M' } };
    const first = await h.start(plan({ feature: 'displayAppInformation', ...oneRing }));
    const second = await h.start(plan({ feature: 'displayLocationInformation', ...oneRing }));
    const [a, b] = [await h.drive(first), await h.drive(second)];
    expect([a.status, b.status]).toEqual(['Completed', 'Completed']);
    const at = (s: typeof a): number[] => (s.healthSeries ?? []).map((p) => Date.parse(p.at));
    const [ta, tb] = [at(a), at(b)];
    expect(ta.length).toBeGreaterThan(3);
    // Each pair of checks due together ran at least one paced request (2 s) apart, in either order.
    expect(ta.every((t, i) => Math.abs(t - (tb[i] ?? Number.NaN)) >= 2_000)).toBe(true);
  });
});
