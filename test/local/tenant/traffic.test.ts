import { DEMO, PUSH_FAILURE_DETAILS, startEmulatedTenant, type EmulatedTenant, type TenantOptions } from '../../../src/local/tenant';
import { errorOf, graphSession, type GraphSession } from './graph-session';
import { iso, mfaStep, readSignIns, type SignIn } from './sign-in-reader';

const NOW = new Date('2024-05-06T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const INTERRUPT_CODES = [50074, 50076, 50158];

let tenant: EmulatedTenant;
let graph: GraphSession;

async function start(options: TenantOptions = {}): Promise<void> {
  tenant = await startEmulatedTenant({ now: () => NOW, reportsThrottle: false, ...options });
  graph = await graphSession(tenant);
}

/** The day before yesterday: read at NOW, a day after, so that its late records have all arrived. */
async function day(): Promise<SignIn[]> {
  return (await readSignIns(graph, `createdDateTime ge ${iso(NOW.getTime() - 2 * DAY)} and createdDateTime lt ${iso(NOW.getTime() - DAY)}`)).items;
}

const isInterrupt = (s: SignIn) => INTERRUPT_CODES.includes(s.status.errorCode);
const isPushCompletion = (s: SignIn) => !isInterrupt(s) && mfaStep(s)?.authenticationMethod === 'Mobile app notification';
const unique = (items: SignIn[]) => [...new Map(items.map((s) => [s.id, s])).values()];

describe('realistic sign-in records', () => {
  let records: SignIn[] = [];
  beforeAll(async () => {
    await start({ users: 2_000 });
    records = await day();
  });
  afterAll(() => tenant.close());

  it('logs an interrupt a few seconds before most push completions, with the same correlationId and a pending push step', () => {
    const byCorrelation = new Map<string, SignIn[]>();
    for (const s of unique(records)) byCorrelation.set(s.correlationId, [...(byCorrelation.get(s.correlationId) ?? []), s]);
    const completions = unique(records).filter(isPushCompletion);
    const withInterrupt = completions.filter((c) => (byCorrelation.get(c.correlationId) ?? []).some(isInterrupt));
    expect(completions.length).toBeGreaterThan(1000);
    expect(withInterrupt.length / completions.length).toBeGreaterThan(0.75);
    for (const completion of withInterrupt) {
      for (const interrupt of (byCorrelation.get(completion.correlationId) ?? []).filter(isInterrupt)) {
        const lead = Date.parse(completion.createdDateTime) - Date.parse(interrupt.createdDateTime);
        expect(lead).toBeGreaterThanOrEqual(3000);
        expect(lead).toBeLessThanOrEqual(60_000);
        expect(interrupt.userId).toBe(completion.userId);
        expect(interrupt.id).not.toBe(completion.id);
      }
    }
    const pushInterrupt = records.find((s) => s.status.errorCode === 50074 && mfaStep(s)?.authenticationMethod === 'Mobile app notification')!;
    expect(pushInterrupt.status).toMatchObject({ failureReason: 'Strong Authentication is required.', additionalDetails: 'MFA required in Azure AD' });
    expect(mfaStep(pushInterrupt)).toMatchObject({ succeeded: false, authenticationStepResultDetail: expect.stringMatching(/^(Authentication in progress|MFA required in Azure AD)$/) });
  });

  it('publishes some records twice, with the same id and the same content', () => {
    const seen = new Map<string, SignIn[]>();
    for (const s of records) seen.set(s.id, [...(seen.get(s.id) ?? []), s]);
    const twice = [...seen.values()].filter((copies) => copies.length > 1);
    expect(twice.length).toBeGreaterThan(10);
    expect(twice.length).toBeLessThan(records.length * 0.03);
    for (const copies of twice) {
      expect(copies).toHaveLength(2);
      expect(copies[1]).toEqual(copies[0]);
    }
  });

  it('satisfies about 30 % of MFA sign-ins by a claim in the token, with no prompt', () => {
    const completions = unique(records).filter((s) => s.authenticationRequirement === 'multiFactorAuthentication' && !isInterrupt(s));
    const satisfied = completions.filter((s) => mfaStep(s)?.authenticationMethod === 'Previously satisfied');
    expect(satisfied.length / completions.length).toBeGreaterThan(0.25);
    expect(satisfied.length / completions.length).toBeLessThan(0.35);
    expect(mfaStep(satisfied[0]!)).toMatchObject({ succeeded: true, authenticationStepResultDetail: 'MFA requirement satisfied by claim in the token' });
  });

  it('fails about 2 % of push completions with 500121 and the documented result details', () => {
    const pushes = unique(records).filter(isPushCompletion);
    const failed = pushes.filter((s) => s.status.errorCode !== 0);
    expect(failed.length / pushes.length).toBeGreaterThan(0.01);
    expect(failed.length / pushes.length).toBeLessThan(0.035);
    for (const s of failed) {
      expect(s.status).toMatchObject({ errorCode: 500121, failureReason: 'Authentication failed during strong authentication request.' });
      expect(Object.values(PUSH_FAILURE_DETAILS)).toContain(mfaStep(s)?.authenticationStepResultDetail);
      expect(mfaStep(s)?.succeeded).toBe(false);
    }
    const ok = pushes.find((s) => s.status.errorCode === 0)!;
    expect(ok.status.additionalDetails).toBe('MFA completed in Azure AD');
    expect(mfaStep(ok)).toMatchObject({ succeeded: true, authenticationStepResultDetail: 'MFA successfully completed', authenticationMethodDetail: expect.any(String) });
  });

  it('mixes in text-message sign-ins (some failing), verification codes, single-factor sign-ins, 50158 challenges and 53003 blocks', () => {
    const sms = unique(records).filter((s) => !isInterrupt(s) && mfaStep(s)?.authenticationMethod === 'Text message');
    expect(sms.length).toBeGreaterThan(100);
    expect(sms.some((s) => s.status.errorCode === 500121 && mfaStep(s)?.authenticationStepResultDetail === 'MFA denied; invalid verification code')).toBe(true);
    expect(records.some((s) => mfaStep(s)?.authenticationMethod === 'Mobile app verification code')).toBe(true);
    expect(records.some((s) => s.authenticationRequirement === 'singleFactorAuthentication' && s.authenticationDetails.length === 1)).toBe(true);
    expect(records.some((s) => s.status.errorCode === 50158)).toBe(true);
    const blocked = records.find((s) => s.status.errorCode === 53003)!;
    expect(blocked.status.failureReason).toMatch(/^Access has been blocked by Conditional Access policies/);
    expect(mfaStep(blocked)).toBeUndefined();
  });

  it('agrees with the ground truth on push attempts and failures, counted from completions deduplicated by id', () => {
    const truth = tenant.control.signInTruth(new Date(NOW.getTime() - 2 * DAY), new Date(NOW.getTime() - DAY - 1000));
    const pushes = unique(records).filter(isPushCompletion);
    expect(pushes.length).toBe(truth.pushAttempts);
    expect(pushes.filter((s) => s.status.errorCode !== 0).length).toBe(truth.pushFailures);
  });
});

describe('traffic knobs', () => {
  const from = new Date(NOW.getTime() - 2 * DAY);
  const pivot = new Date(NOW.getTime() - DAY);
  const rate = (t: { pushFailures: number; pushAttempts: number }) => t.pushFailures / t.pushAttempts;

  beforeEach(() => start({ users: 5_000 }));
  afterEach(() => tenant.close());

  it('raises push denials for one group from a time on (a spike), leaving everyone else and the time before alone', () => {
    tenant.control.addTrafficRule({ target: DEMO.groups.wave1, from: pivot, pushFailureRate: 0.4, failureMix: { declined: 1, noResponse: 0, wrongNumber: 0, fraud: 0 } });
    const before = tenant.control.signInTruth(from, new Date(pivot.getTime() - 1), DEMO.groups.wave1);
    const after = tenant.control.signInTruth(pivot, NOW, DEMO.groups.wave1);
    const outsiders = tenant.control.signInTruth(pivot, NOW, DEMO.groups.finance);
    expect(rate(before)).toBeLessThan(0.04);
    expect(rate(after)).toBeGreaterThan(0.35);
    expect(rate(after)).toBeLessThan(0.45);
    expect(after.pushFailuresByReason.declined).toBe(after.pushFailures);
    expect(rate(outsiders)).toBeLessThan(0.1);
  });

  it('makes a bad week before a time: high failure before, baseline after', () => {
    tenant.control.addTrafficRule({ to: pivot, pushFailureRate: 0.3 });
    expect(rate(tenant.control.signInTruth(from, pivot))).toBeGreaterThan(0.25);
    expect(rate(tenant.control.signInTruth(new Date(pivot.getTime() + 1000), NOW))).toBeLessThan(0.04);
  });

  it('storms interrupts without adding a single failure', () => {
    const calm = tenant.control.signInTruth(pivot, NOW);
    tenant.control.addTrafficRule({ from: pivot, interruptStorm: 4 });
    const storm = tenant.control.signInTruth(pivot, NOW);
    expect(storm.interrupts).toBeGreaterThan(calm.interrupts + 3 * calm.pushAttempts);
    expect(storm.pushFailures).toBe(calm.pushFailures);
    expect(storm.pushAttempts).toBe(calm.pushAttempts);
  });

  it('sets the volume per user per day, for some users only', () => {
    const user = DEMO.users.pilotUser;
    tenant.control.addTrafficRule({ userIds: [user], mfaSignInsPerUserPerDay: 60 });
    const mine = tenant.control.signInTruth(new Date(NOW.getTime() - 7 * DAY), NOW, DEMO.groups.pilot);
    expect(mine.mfaSignIns).toBeGreaterThan(7 * 60 * 0.8);
    expect(tenant.control.signInTruth(new Date(NOW.getTime() - 7 * DAY), NOW, DEMO.groups.finance).mfaSignIns).toBeLessThan(20 * 7 * 3 * 1.3);
  });

  it('maps an incident onto push failures of its target, and clearIncidents removes incidents but not rules', () => {
    tenant.control.addTrafficRule({ target: DEMO.groups.finance, interruptStorm: 2 });
    tenant.control.addIncident({ target: DEMO.groups.wave1, from: pivot, to: NOW, failureRate: 0.5, errorCode: 500121 });
    expect(rate(tenant.control.signInTruth(pivot, NOW, DEMO.groups.wave1))).toBeGreaterThan(0.45);
    tenant.control.clearIncidents();
    expect(rate(tenant.control.signInTruth(pivot, NOW, DEMO.groups.wave1))).toBeLessThan(0.04);
    expect(tenant.control.trafficRules()).toEqual([{ target: DEMO.groups.finance, interruptStorm: 2 }]);
    expect(() => tenant.control.addIncident({ target: DEMO.groups.pilot, from: pivot, to: NOW, failureRate: 0.5, errorCode: 50074 })).toThrow(/500121/);
  });

  it('refuses a rule with a bad rate or an unknown group, naming the problem', () => {
    expect(() => tenant.control.addTrafficRule({ pushFailureRate: 1.5 })).toThrow(/pushFailureRate/);
    expect(() => tenant.control.addTrafficRule({ target: 'nope', pushFailureRate: 0.5 })).toThrow("Traffic rule target 'nope' is neither 'all_users' nor a group of this tenant.");
    expect(() => tenant.control.addTrafficRule({ from: NOW, to: pivot })).toThrow(/from <= to/);
  });

  it('sets the share of previously-satisfied sign-ins through the method mix', () => {
    tenant.control.setTraffic({ methodMix: { push: 1, previouslySatisfied: 1, textMessage: 0, verificationCode: 0 } });
    const truth = tenant.control.signInTruth(pivot, NOW);
    expect(truth.previouslySatisfied / truth.mfaSignIns).toBeGreaterThan(0.46);
    expect(truth.previouslySatisfied / truth.mfaSignIns).toBeLessThan(0.53);
    expect(truth.textMessage).toBe(0);
  });

  it('changes the whole traffic with another seed', () => {
    const before = tenant.control.signInTruth(pivot, NOW);
    tenant.control.setTraffic({ seed: 7 });
    const after = tenant.control.signInTruth(pivot, NOW);
    expect(after).not.toEqual(before);
    expect(Math.abs(after.mfaSignIns - before.mfaSignIns) / before.mfaSignIns).toBeLessThan(0.05);
  });
});

describe('traffic over the control API', () => {
  beforeEach(() => start());
  afterEach(() => tenant.close());
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${tenant.url}/_emulator${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });

  it('adds rules with ISO dates, lists and clears them, and answers the ground truth for a window', async () => {
    const from = iso(NOW.getTime() - DAY);
    expect((await control('POST', '/traffic/rules', { target: DEMO.groups.early, from, pushFailureRate: 0.9 })).status).toBe(204);
    expect(await (await control('GET', '/traffic/rules')).json()).toEqual([{ target: DEMO.groups.early, from: new Date(from).toISOString(), pushFailureRate: 0.9 }]);
    const truth = (await (await control('GET', `/sign-ins/truth?from=${from}&to=${iso(NOW.getTime())}&target=${DEMO.groups.early}`)).json()) as { pushFailures: number; pushAttempts: number };
    expect(truth.pushFailures / truth.pushAttempts).toBeGreaterThan(0.8);
    expect((await control('DELETE', '/traffic/rules')).status).toBe(204);
    expect(await (await control('GET', '/traffic/rules')).json()).toEqual([]);
  });

  it('changes tenant-wide settings, and refuses a bad one with a message naming the field', async () => {
    const changed = (await (await control('PATCH', '/traffic', { duplicateShare: 0.1, latency: false })).json()) as { duplicateShare: number; latency: unknown };
    expect(changed).toMatchObject({ duplicateShare: 0.1, latency: false });
    const refused = await errorOf(await control('PATCH', '/traffic', { interruptShare: 2 }));
    expect(refused.status).toBe(400);
    expect(refused.message).toMatch(/^Invalid traffic settings: interruptShare: /);
    const badRule = await errorOf(await control('POST', '/traffic/rules', { target: 'nope' }));
    expect(badRule).toMatchObject({ status: 400, message: "Traffic rule target 'nope' is neither 'all_users' nor a group of this tenant." });
  });
});
