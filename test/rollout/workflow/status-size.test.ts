import { MAX_STATUS_CHARS } from '../../../src/rollout/workflow/status';
import { OPERATOR, plan, startHarness, type Harness } from '../harness';

/** Durable Functions keeps at most 16 KB of UTF-16 JSON as a custom status: 8,192 characters. */
const PLATFORM_LIMIT_CHARS = 16 * 1024 / 2;

jest.setTimeout(240_000);

let h: Harness;
afterEach(async () => h.close());

describe('the rollout status stays under the custom status limit', () => {
  it('through 500 pause and resume cycles, keeping the first entry, the newest ones and a count of what was left out', async () => {
    h = await startHarness();
    const id = await h.start(plan());
    await h.drive(id, { until: (s) => s.status === 'AwaitingApproval' });
    let largest = 0;
    for (let cycle = 0; cycle < 500; cycle++) {
      expect((await h.control(id, 'pause', OPERATOR, `cycle ${cycle}: ${'a long reason '.repeat(20)}`)).kind).toBe('accepted');
      await h.host.idle();
      expect((await h.control(id, 'resume', OPERATOR)).kind).toBe('accepted');
      await h.host.idle();
      const instance = await h.client.getStatus(id);
      largest = Math.max(largest, JSON.stringify(instance.customStatus).length);
    }
    expect(largest).toBeLessThanOrEqual(MAX_STATUS_CHARS);
    expect(largest).toBeLessThan(PLATFORM_LIMIT_CHARS);
    const status = await h.status(id);
    expect(status.status).toBe('AwaitingApproval');
    expect(status.history[0]?.event).toBe('Rollout.Started');
    expect(status.history.at(-1)?.event).toBe('Approval.Requested');
    expect(status.historyOmitted).toBeGreaterThan(900);
    // Every transition was recorded: the seq of the newest counts them all.
    expect((status.history.at(-1)?.seq ?? 0) + 1).toBe(status.history.length + (status.historyOmitted ?? 0));
  });
});
