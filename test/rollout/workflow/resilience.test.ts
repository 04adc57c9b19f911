import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_USERS } from '../../../src/policy/types';
import { startEmulatedTenant, type EmulatedTenant } from '../../../src/local/tenant';
import { plan, startHarness, START, type Harness } from '../harness';

jest.setTimeout(60_000);

describe('an interrupted rollout', () => {
  let tenant: EmulatedTenant;
  let stateDir: string;
  let now = (): Date => START;

  beforeAll(async () => {
    tenant = await startEmulatedTenant({ now: () => now(), reportsThrottle: false });
    stateDir = await mkdtemp(join(tmpdir(), 'rollout-restart-'));
  });
  afterAll(async () => {
    await tenant.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('resumes where it stopped when the host is stopped mid-soak and a new host starts on the same state', async () => {
    const first: Harness = await startHarness({ tenant, stateDir });
    now = () => first.now();
    const id = await first.start(plan());
    const midSoak = await first.drive(id, { until: (s) => s.status === 'Running' && s.health !== null });
    expect(midSoak.currentRing).toBe('pilot');
    const stoppedAt = first.now();
    await first.host.stop();

    const second: Harness = await startHarness({ tenant, stateDir, start: stoppedAt });
    now = () => second.now();
    try {
      const final = await second.drive(id);
      expect(final.status).toBe('Completed');
      expect(final.enabledTarget).toBe(ALL_USERS);
      // Nothing was written twice: one PATCH per ring, across both hosts.
      expect(tenant.control.timeline().filter((e) => e.actor === 'app')).toHaveLength(3);
    } finally {
      await second.host.stop();
    }
  });
});

describe('determinism', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it.each([
    ['completed', undefined],
    ['rejected and rolled back', 'reject'],
  ] as const)('replaying every prefix of a %s rollout yields the same actions, execution after execution', async (_name, onApproval) => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, onApproval ? { onApproval: () => onApproval } : {});
    const report = await h.host.durable.replayPrefixes(id);
    expect(report.problems).toEqual([]);
    expect(report.deterministic).toBe(true);
    // The rollout continues as new at each ring's soak: the replay covers the last execution, which has its own episodes.
    expect(report.episodes).toBeGreaterThan(4);
    expect(h.host.durable.executionCount(id)).toBeGreaterThanOrEqual(onApproval ? 2 : 4);
  });
});
