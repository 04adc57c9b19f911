import { DEMO } from '../../../src/local/tenant';
import { OPERATOR, plan, startHarness, type Harness } from '../harness';

/**
 * A rollout continues as new at each ring's soak and before an execution's history grows long. Nothing that was
 * answered 202 may be lost across that boundary, and no execution replays more than about a thousand events.
 */

jest.setTimeout(120_000);

let h: Harness;
afterEach(async () => h.close());

const LONG_SOAK = plan({
  rings: [
    { name: 'pilot', target: DEMO.groups.pilot, soak: 'P2D', approval: false },
    { name: 'everyone', target: 'all_users', soak: 'PT1H', approval: false },
  ],
  health: { maxFailureRate: 0.05, minSignIns: 10, interval: 'PT15M' },
});

/** Fires timers until the instance starts another execution; the number of timers that took. */
async function untilNextExecution(id: string, maxSteps = 300): Promise<number> {
  const before = h.host.durable.executionCount(id);
  for (let step = 1; step <= maxSteps; step++) {
    await h.host.advanceToNextTimer();
    if (h.host.durable.executionCount(id) > before) return step;
  }
  throw new Error(`no new execution within ${maxSteps} timers`);
}

describe('continuing as new', () => {
  it('keeps every execution short over a two-day soak of 15-minute checks, and completes', async () => {
    h = await startHarness();
    const id = await h.start(LONG_SOAK);
    await h.host.idle();
    let longest = 0;
    for (let execution = 0; execution < 3; execution++) longest = Math.max(longest, await untilNextExecution(id));
    // 75 waits at most, each a timer: far from the thousands of events one execution held before.
    expect(longest).toBeLessThanOrEqual(76);
    expect((await h.drive(id)).status).toBe('Completed');
    expect(h.host.durable.executionCount(id)).toBeGreaterThan(4);
  });

  it('acts on a pause raised right after a new execution started, and on the resume after it', async () => {
    h = await startHarness();
    const id = await h.start(LONG_SOAK);
    await h.host.idle();
    await untilNextExecution(id);
    expect((await h.control(id, 'pause', OPERATOR, 'across the boundary')).kind).toBe('accepted');
    await h.host.idle();
    expect((await h.status(id)).status).toBe('Paused');
    expect((await h.control(id, 'resume', OPERATOR)).kind).toBe('accepted');
    await h.host.idle();
    expect((await h.status(id)).status).toBe('Running');
    expect((await h.drive(id)).status).toBe('Completed');
  });

  it('acts on an abort raised just before the execution would continue as new', async () => {
    h = await startHarness();
    const id = await h.start(LONG_SOAK);
    await h.host.idle();
    const steps = await untilNextExecution(id);
    // The same boundary again: the abort arrives on the last timer before it.
    for (let step = 1; step < steps - 1; step++) await h.host.advanceToNextTimer();
    const executions = h.host.durable.executionCount(id);
    expect((await h.control(id, 'abort', OPERATOR, 'before the boundary')).kind).toBe('accepted');
    const final = await h.drive(id);
    expect(final.status).toBe('RolledBack');
    expect(final.message).toMatch(/aborted by Dana Operator: before the boundary/);
    expect(h.host.durable.executionCount(id)).toBeLessThanOrEqual(executions + 1);
  });
});
