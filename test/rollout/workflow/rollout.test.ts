import { DEMO } from '../../../src/local/tenant';
import { ALL_USERS, type AuthenticatorConfig } from '../../../src/policy/types';
import { featureStatus } from '../../../src/policy';
import { startHarness, plan, START, OPERATOR, APPROVER, type Harness } from '../harness';

jest.setTimeout(60_000);

const HOUR = 3600_000;
let h: Harness;

afterEach(async () => {
  await h?.close();
});

function patches(harness: Harness): AuthenticatorConfig[] {
  return harness.tenant.control.timeline().filter((e) => e.actor === 'app').map((e) => e.after);
}

describe('a rollout through the rings', () => {
  it('walks pilot, early adopters and everyone with approvals, one verified PATCH per ring, and ends Completed with all_users enabled', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    const final = await h.drive(id);

    expect(final.status).toBe('Completed');
    expect(final.enabledTarget).toBe(ALL_USERS);
    expect(await h.live('displayAppInformation')).toMatchObject({ state: 'enabled', enabledTarget: ALL_USERS });
    const enabledTargets = patches(h).map((config) => featureStatus(config, 'displayAppInformation').enabledTarget);
    expect(enabledTargets).toEqual([DEMO.groups.pilot, DEMO.groups.early, ALL_USERS]);
    const events = final.history.map((e) => e.event);
    expect(events.filter((e) => e === 'Ring.Enabled')).toHaveLength(3);
    expect(events.filter((e) => e === 'Approval.Decided')).toHaveLength(2);
    expect(final.history.find((e) => e.event === 'Approval.Decided')?.actor?.name).toBe('Avery Approver');
    // Soak and approvals took days of virtual time.
    expect(h.now().getTime() - START.getTime()).toBeGreaterThanOrEqual(2 * 24 * HOUR + 6 * HOUR);
  });

  it('waits at the checkpoint with the ring still enabled: AwaitingApproval, currentRing = that ring', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    const waiting = await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    expect(waiting).toMatchObject({ status: 'AwaitingApproval', currentRing: 'pilot', enabledTarget: DEMO.groups.pilot });
    expect(waiting.approval?.ring).toBe('pilot');
    expect(Date.parse(waiting.approval?.deadline ?? '') - Date.parse(waiting.approval?.requestedAt ?? '')).toBe(2 * 24 * HOUR);
    expect(waiting.health?.judged).toBe(true);
    expect((await h.live('displayAppInformation')).enabledTarget).toBe(DEMO.groups.pilot);
  });

  it('ignores a late decision about an earlier ring: the current checkpoint keeps waiting for its own', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    expect((await h.control(id, 'approve')).kind).toBe('accepted');
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' && s.currentRing === 'early', onApproval: () => 'wait' });
    // A rejection of the pilot's card, answered only now: it must not reject the early adopters.
    await h.client.raiseEvent(id, 'Rejection', { actor: APPROVER, ring: 'pilot', reason: 'too late' });
    await h.host.idle();
    const still = await h.status(id);
    expect(still).toMatchObject({ status: 'AwaitingApproval', currentRing: 'early', enabledTarget: DEMO.groups.early });
    expect(still.history[still.history.length - 1]).toMatchObject({ event: 'Approval.Ignored', message: 'Ignored a decision meant for ring pilot' });
    expect((await h.control(id, 'approve')).kind).toBe('accepted');
    expect((await h.drive(id)).status).toBe('Completed');
  });
});

describe('automatic rollback', () => {
  it('rolls back to default, verified, when the approver rejects', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    const final = await h.drive(id, { onApproval: () => 'reject' });
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/rejected by Avery Approver: not ready/);
    expect(await h.live('displayAppInformation')).toMatchObject({ state: 'default', enabledTarget: null, includeTarget: ALL_USERS });
  });

  it('rolls back when the approval times out (onApprovalTimeout rollback)', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    const final = await h.drive(id, { onApproval: () => 'wait' });
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/no approval for ring pilot within P2D/);
    expect((await h.live('displayAppInformation')).enabledTarget).toBeNull();
  });

  it('pauses when the approval times out (onApprovalTimeout pause), then resumes to the checkpoint and completes', async () => {
    h = await startHarness();
    const id = await h.start(plan({ onApprovalTimeout: 'pause' }));
    const paused = await h.drive(id, { onApproval: () => 'wait', until: (s) => s.status === 'Paused' });
    expect(paused.status).toBe('Paused');
    expect(paused.message).toMatch(/No approval for ring pilot within P2D/);
    expect((await h.live('displayAppInformation')).enabledTarget).toBe(DEMO.groups.pilot);
    expect((await h.control(id, 'resume', OPERATOR)).kind).toBe('accepted');
    const final = await h.drive(id);
    expect(final.status).toBe('Completed');
  });

  it('rolls back at once when the health gate breaches mid-soak, not at the end of the soak', async () => {
    h = await startHarness();
    const incidentStart = new Date(START.getTime() + 2 * HOUR);
    h.tenant.control.addIncident({ target: DEMO.groups.pilot, from: incidentStart, to: new Date(START.getTime() + 3 * 24 * HOUR), failureRate: 0.6 });
    const id = await h.start(plan());
    const final = await h.drive(id);
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/health gate breached in ring pilot/);
    const breach = final.history.find((e) => e.event === 'Health.Breached');
    expect(breach).toBeDefined();
    expect(Date.parse(breach?.at ?? '')).toBeLessThan(START.getTime() + 24 * HOUR);
    expect(final.health?.breached).toBe(true);
    expect(await h.live('displayAppInformation')).toMatchObject({ state: 'default', enabledTarget: null });
  });

  it('does not roll back for a bad week before the rollout: health counts only sign-ins since the ring was enabled', async () => {
    h = await startHarness();
    h.tenant.control.addIncident({ target: DEMO.groups.pilot, from: new Date(START.getTime() - 7 * 24 * HOUR), to: new Date(START.getTime() - 1), failureRate: 0.9 });
    const id = await h.start(plan());
    expect((await h.drive(id)).status).toBe('Completed');
  });

  it('rolls back when a swap keeps failing after its retries', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    h.tenant.control.injectFaults([{ method: 'PATCH', status: 500, times: 4 }]);
    const final = await h.drive(id);
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/enabling ring early failed/);
    expect(await h.live('displayAppInformation')).toMatchObject({ state: 'default', enabledTarget: null });
  });

  it('goes on after a 503 during a swap: the gateway retries and the rollout completes', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    h.tenant.control.injectFaults([{ method: 'PATCH', status: 503, retryAfterSeconds: 1, times: 1 }]);
    const final = await h.drive(id);
    expect(final.status).toBe('Completed');
    expect(final.history.some((e) => e.event === 'Rollback.Started')).toBe(false);
  });

  it('rolls back when aborted while awaiting approval', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    expect((await h.control(id, 'abort', OPERATOR, 'change freeze')).kind).toBe('accepted');
    const final = await h.drive(id);
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/aborted by Dana Operator: change freeze/);
    expect((await h.live('displayAppInformation')).enabledTarget).toBeNull();
  });

  it('ends Failed, saying what to fix by hand, when the rollback itself cannot be written', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    h.tenant.control.denyPermission('Policy.ReadWrite.AuthenticationMethod');
    expect((await h.control(id, 'reject')).kind).toBe('accepted');
    const final = await h.drive(id);
    expect(final.status).toBe('Failed');
    expect(final.message).toMatch(/Rollback FAILED/);
    expect(final.message).toMatch(/Policy\.ReadWrite\.AuthenticationMethod/);
    expect(final.message).toMatch(/Fix by hand: .*displayAppInformationRequiredState to state "default" with include target "all_users"/);
    // The administrator's sentence, once: no SDK wrapper, no JSON details, no stack.
    expect(final.message).not.toMatch(/\n|Activity function|ErrorType|\s+at \S+ \(/);
    expect(final.message.match(/denied permission/g)).toHaveLength(1);
    expect((await h.live('displayAppInformation')).enabledTarget).toBe(DEMO.groups.pilot);
  });

  it('restores the exact pre-rollout entry in snapshot mode', async () => {
    h = await startHarness();
    const before = h.tenant.control.config();
    const id = await h.start(plan({ rollback: 'snapshot' }));
    await h.drive(id, { onApproval: (s) => (s.currentRing === 'early' ? 'reject' : 'approve') });
    const after = h.tenant.control.config() as { featureSettings: unknown };
    expect(after.featureSettings).toEqual((before as { featureSettings: unknown }).featureSettings);
  });
});

describe('control events', () => {
  it('holds timers and health checks while paused and resumes where it stopped', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.history.some((e) => e.event === 'Ring.Enabled') && s.health !== null });
    expect((await h.control(id, 'pause', OPERATOR, 'helpdesk busy')).kind).toBe('accepted');
    const paused = await h.drive(id, { until: (s) => s.status === 'Paused' });
    expect(paused).toMatchObject({ status: 'Paused', nextCheckpointAt: null });
    expect(await h.host.advanceToNextTimer()).toBeNull();
    expect((await h.control(id, 'resume', OPERATOR)).kind).toBe('accepted');
    const resumed = await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    expect(resumed.currentRing).toBe('pilot');
    expect(resumed.history.map((e) => e.event)).toEqual(expect.arrayContaining(['Rollout.Paused', 'Rollout.Resumed']));
  });

  it('pauses on drift and says what changed', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    await h.client.raiseEvent(id, 'DriftDetected', { actor: { name: 'status timer', via: 'timer' }, changes: ['displayAppInformation is enabled for all_users'], observedTarget: ALL_USERS });
    const paused = await h.drive(id, { until: (s) => s.status === 'Paused' });
    expect(paused.message).toMatch(/changed outside the rollout \(displayAppInformation is enabled for all_users\)/);
  });

  it('after a drift, resuming re-applies the ring the rollout had enabled, verified, and goes on', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    const config = h.tenant.control.config() as { featureSettings: Record<string, unknown> };
    const { numberMatchingRequiredState: _enforced, ...others } = config.featureSettings;
    h.tenant.control.patchConfigAsAdmin({
      '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration',
      featureSettings: { ...others, displayAppInformationRequiredState: { state: 'enabled', includeTarget: { targetType: 'group', id: DEMO.groups.finance }, excludeTarget: { targetType: 'group', id: '00000000-0000-0000-0000-000000000000' } } },
    });
    await h.client.raiseEvent(id, 'DriftDetected', { actor: { name: 'status timer', via: 'timer' }, changes: ['enabled for Finance'], observedTarget: DEMO.groups.finance });
    await h.drive(id, { until: (s) => s.status === 'Paused' });
    expect((await h.live('displayAppInformation')).enabledTarget).toBe(DEMO.groups.finance);
    expect((await h.control(id, 'resume', OPERATOR)).kind).toBe('accepted');
    const resumed = await h.drive(id, { until: (s) => s.history.some((e) => e.event === 'Ring.Reapplied') });
    expect(resumed).toMatchObject({ status: 'AwaitingApproval', currentRing: 'pilot', enabledTarget: DEMO.groups.pilot });
    expect((await h.live('displayAppInformation')).enabledTarget).toBe(DEMO.groups.pilot);
    expect((await h.drive(id)).status).toBe('Completed');
  });

  it('refuses actions that do not apply to the current status, saying why', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'Running' && s.health !== null });
    const result = await h.control(id, 'approve');
    expect(result).toMatchObject({ kind: 'conflict', status: 'Running' });
    expect(result.kind === 'conflict' && result.reason).toMatch(/approve applies only when it is AwaitingApproval/);
  });

  it('does not let the person who started a rollout approve it', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    expect(await h.control(id, 'approve', OPERATOR)).toMatchObject({ kind: 'forbidden' });
  });
});

describe('preflight', () => {
  it('finishes Completed without any write when number matching is already enforced by Microsoft', async () => {
    h = await startHarness();
    const id = await h.start(plan({ feature: 'numberMatching' }));
    const final = await h.drive(id);
    expect(final.status).toBe('Completed');
    expect(final.message).toMatch(/already enforced by Microsoft/);
    expect(h.tenant.control.timeline()).toHaveLength(0);
  });

  it('fails without writing anything when a ring group does not exist', async () => {
    h = await startHarness();
    const missing = '99999999-9999-4999-8999-999999999999';
    const id = await h.start(plan({ rings: [{ name: 'ghost', target: missing, soak: 'P1D', approval: false }, { name: 'all', target: 'all_users', soak: 'P1D', approval: false }] }));
    const final = await h.drive(id);
    expect(final.status).toBe('Failed');
    expect(final.message).toContain(`group ${missing} does not exist`);
    expect(h.tenant.control.timeline()).toHaveLength(0);
  });

  it('warns when a ring does not contain the previous one', async () => {
    h = await startHarness();
    const id = await h.start(plan({ rings: [{ name: 'early', target: DEMO.groups.early, soak: 'P1D', approval: false }, { name: 'finance', target: DEMO.groups.finance, soak: 'P1D', approval: false }, { name: 'all', target: 'all_users', soak: 'PT1H', approval: false }] }));
    const status = await h.drive(id, { until: (s) => s.warnings.length > 0 });
    expect(status.warnings.join(' ')).toMatch(/Ring finance .*(fewer members|does not contain ring early)/);
  });
});

describe('the legacy per-target shape', () => {
  it('swaps number matching ring by ring and never has two enabled targets', async () => {
    h = await startHarness({ shape: 'legacy' });
    const id = await h.start(plan({ feature: 'numberMatching' }));
    const final = await h.drive(id);
    expect(final.status).toBe('Completed');
    const all = patches(h);
    expect(all).toHaveLength(3);
    for (const config of all) {
      const targets = (config.includeTargets as Array<Record<string, string>>).filter((t) => t.numberMatchingRequiredState === 'enabled');
      expect(targets).toHaveLength(1);
    }
  });
});

describe('one rollout per feature', () => {
  it('refuses a second rollout of the same feature while one is active, and allows another feature', async () => {
    h = await startHarness();
    const first = await h.start(plan());
    await h.drive(first, { until: (s) => s.status === 'AwaitingApproval' });
    await expect(h.start(plan())).rejects.toThrow(`refused: ${first} is active`);
    const other = await h.start(plan({ feature: 'displayLocationInformation' }));
    expect(other).not.toBe(first);
  });

  it('lets exactly one of two concurrent starts win', async () => {
    h = await startHarness();
    const { startRollout } = await import('../../../src/rollout/desk/start');
    const results = await Promise.all([startRollout(h.client, plan(), OPERATOR, { pollMs: 5 }), startRollout(h.client, plan(), OPERATOR, { pollMs: 5 })]);
    expect(results.map((r) => r.kind).sort()).toEqual(['conflict', 'started']);
  });
});
