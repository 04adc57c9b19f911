import { DEMO } from '../../../src/local/tenant';
import { APPROVER, plan, START, startHarness, type Harness } from '../harness';

/**
 * The gate on the emulated tenant's realistic sign-in logs: interrupt records before most pushes, previously satisfied
 * sign-ins, other methods, text-message failures, duplicates and a 2 % push denial rate are a healthy tenant.
 */

jest.setTimeout(120_000);

let h: Harness;
afterEach(async () => {
  delete process.env.ROLLOUT_SIGNIN_LAG;
  await h.close();
});

describe('the health gate on real sign-in logs', () => {
  it('lets a healthy rollout through: interrupts, previously satisfied, text messages and 2 % push denials', async () => {
    h = await startHarness({ tenantOptions: { traffic: { pushFailureRate: 0.02, interruptShare: 1, textMessageFailureRate: 0.2, duplicateShare: 0.05 } } });
    const id = await h.start(plan());
    const final = await h.drive(id);
    expect(final.status).toBe('Completed');
    expect(final.history.some((e) => e.event === 'Health.Breached')).toBe(false);
    expect(final.healthSeries?.length).toBeGreaterThan(0);
  });

  it('judges a plan that starts at all_users against the push outcomes of the sign-ins before it', async () => {
    h = await startHarness();
    const id = await h.start(plan({ rings: [{ name: 'everyone', target: 'all_users', soak: 'PT12H', approval: false }] }));
    const final = await h.drive(id);
    expect(final.status).toBe('Completed');
    expect(final.health?.controlAttempts).toBeGreaterThan(0);
    expect(final.healthSeries?.every((point) => point.baseline !== undefined)).toBe(true);
  });

  it('is not rolled back by an interrupt storm alone', async () => {
    h = await startHarness({ tenantOptions: { trafficRules: [{ target: DEMO.groups.pilot, from: START, interruptStorm: 8 }] } });
    const id = await h.start(plan());
    expect((await h.drive(id)).status).toBe('Completed');
  });

  it('rolls back within 15 s of a 40 % push-denial spike at a few pushes a second, checking every second', async () => {
    process.env.ROLLOUT_SIGNIN_LAG = 'PT0S';
    h = await startHarness({
      tenantOptions: {
        users: 1000,
        mfaSignInsPerDay: 1_000_000,
        traffic: { latency: false },
        trafficRules: [{ from: START, pushFailureRate: 0.4, failureMix: { declined: 1, noResponse: 0, wrongNumber: 0, fraud: 0 } }],
      },
    });
    const id = await h.start(plan({ rings: [{ name: 'everyone', target: 'all_users', soak: 'PT10M', approval: false }], health: { maxFailureRate: 0.2, minSignIns: 20, interval: 'PT1S' } }));
    const final = await h.drive(id, { maxSteps: 200 });
    expect(final.status).toBe('RolledBack');
    const breached = final.history.find((e) => e.event === 'Health.Breached');
    expect(breached?.message).toMatch(/declined/);
    const enabled = final.history.find((e) => e.event === 'Ring.Enabled');
    expect(Date.parse(breached?.at ?? '') - Date.parse(enabled?.at ?? '')).toBeLessThanOrEqual(15_000);
  });

  it('says in the history when a health check took longer than its interval', async () => {
    process.env.ROLLOUT_SIGNIN_LAG = 'PT0S';
    h = await startHarness();
    const id = await h.start(plan({ rings: [{ name: 'everyone', target: 'all_users', soak: 'PT1M', approval: false }], health: { maxFailureRate: 0.05, minSignIns: 10, interval: 'PT3S' } }));
    await h.host.idle();
    h.tenant.control.injectFaults([{ method: 'GET', pathIncludes: '/auditLogs/signIns', status: 503, retryAfterSeconds: 0, times: 6 }]);
    const final = await h.drive(id, { maxSteps: 300 });
    expect(final.status).toBe('Completed');
    expect(final.history.find((e) => e.event === 'Health.Slow')?.message).toMatch(/^The health check of ring everyone took .+, longer than its interval PT3S/);
  });

  it('says, while the rollback retries, which attempt failed and when the next one is', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    h.tenant.control.injectFaults([{ method: 'PATCH', status: 500, times: 50 }]);
    expect((await h.control(id, 'reject', APPROVER, 'not ready')).kind).toBe('accepted');
    await h.host.idle();
    const retrying = await h.status(id);
    expect(retrying.status).toBe('Running');
    expect(retrying.message).toMatch(/^Rolling back \(default\): attempt 1 of 6 failed \(.+\); next attempt at \d{4}-\d\d-\d\dT/);
    h.tenant.control.clearFaults();
    const final = await h.drive(id);
    expect(final.status).toBe('RolledBack');
    expect((await h.live('displayAppInformation')).enabledTarget).toBeNull();
  });
});
