import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventType, LocalDurableHost, VirtualClock } from '../../../src/local/durable';
import { fixtureRegistry, HOUR, runToEnd, START, startHost, type Harness } from './harness';

/** continueAsNew with the extension's semantics, for durable-functions (out-of-process) orchestrators. */

describe('continueAsNew', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHost();
  });
  afterEach(async () => {
    await h.host.stop();
  });

  test('a loop that continues as new 20 times keeps each execution short: one ExecutionStarted, a handful of events', async () => {
    const id = await h.host.startNew('Relay', { input: { round: 1, rounds: 20, received: [] } });
    await h.host.idle();
    let longest = 0;
    for (let step = 0; step < 25 && h.host.getStatus(id)?.runtimeStatus === 'Running'; step++) {
      longest = Math.max(longest, h.host.history(id).length);
      await h.host.advanceToNextTimer();
    }
    expect(h.host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: { rounds: 20, received: [] } });
    expect(h.host.executionCount(id)).toBe(20);
    const history = h.host.history(id);
    expect(history.filter((e) => e.EventType === EventType.ExecutionStarted)).toHaveLength(1);
    expect(Math.max(longest, history.length)).toBeLessThanOrEqual(12);
    expect(h.clock.now()).toEqual(new Date(START.getTime() + 20 * HOUR));
  });

  test('events raised before, at, during and after the boundary all reach the orchestration', async () => {
    const id = await h.host.startNew('Relay', { input: { round: 1, rounds: 3, received: [] } });
    await h.host.idle();
    // Before: while the first execution waits.
    await h.host.raiseEvent(id, 'Ping', 'before');
    await h.host.idle();
    // At: in the same batch as the timer that makes it continue as new, after it (DTFx carries it over).
    h.clock.advanceBy(HOUR);
    const at = h.host.raiseEvent(id, 'Ping', 'at');
    // During: while that episode runs, before the new execution has started.
    const during = new Promise<unknown>((resolve) => setImmediate(() => resolve(h.host.raiseEvent(id, 'Ping', 'during'))));
    await Promise.all([at, during]);
    await h.host.idle();
    expect(h.host.executionCount(id)).toBe(2);
    // After: to the new execution.
    await h.host.raiseEvent(id, 'Ping', 'after');
    await runToEnd(h.host, id);
    const output = h.host.getStatus(id)?.output as { rounds: number; received: string[] };
    expect(output.rounds).toBe(3);
    expect([...output.received].sort()).toEqual(['after', 'at', 'before', 'during']);
    expect(output.received[0]).toBe('before');
  });

  test('an event the old execution received but never waited for is dropped at continueAsNew, as the extension does', async () => {
    const id = await h.host.startNew('DeafFirstRound', { input: { round: 1 } });
    await h.host.idle();
    await h.host.raiseEvent(id, 'Ping', 'unheard');
    await h.host.idle();
    await runToEnd(h.host, id);
    expect(h.host.executionCount(id)).toBe(2);
    expect(h.host.getStatus(id)?.output).toEqual({ ping: null });
  });

  test('a timer pending at the boundary never fires into the new execution', async () => {
    const id = await h.host.startNew('RestartOnPing', { input: { round: 1 } });
    await h.host.idle();
    await h.host.raiseEvent(id, 'Ping', null);
    await h.host.idle();
    expect(h.host.executionCount(id)).toBe(2);
    // The first execution's one-hour timer (id 0, like the new execution's own) is disarmed.
    expect(h.host.nextTimerAt()).toEqual(new Date(START.getTime() + 5 * HOUR));
    h.clock.advanceBy(HOUR);
    await h.host.idle();
    expect(h.host.getStatus(id)?.runtimeStatus).toBe('Running');
    await runToEnd(h.host, id);
    expect(h.host.getStatus(id)?.output).toEqual({ round: 2, by: 'tick', at: new Date(START.getTime() + 5 * HOUR).toISOString() });
  });

  test('the custom status carries over until the new execution has run one episode without setting its own', async () => {
    const id = await h.host.startNew('StatusOnce', { input: { round: 1 } });
    await h.host.idle();
    expect(h.host.executionCount(id)).toBe(2);
    expect(h.host.getStatus(id)).toMatchObject({ runtimeStatus: 'Running', customStatus: { setBy: 'round 1' } });
    await h.host.raiseEvent(id, 'Go', null);
    await h.host.idle();
    expect(h.host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', customStatus: null });
  });
});

describe('continueAsNew on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'durable-can-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the instance file does not grow with executions, and a host restarted mid-chain carries the chain to its end', async () => {
    const first = await startHost({ stateDir: dir });
    const id = await first.host.startNew('Relay', { input: { round: 1, rounds: 12, received: [] } });
    const file = join(dir, 'instances', `${Buffer.from(id).toString('base64url')}.json`);
    await first.host.idle();
    await first.host.advanceToNextTimer();
    const early = (await stat(file)).size;
    for (let i = 0; i < 5; i++) await first.host.advanceToNextTimer();
    expect(first.host.executionCount(id)).toBe(7);
    await first.host.raiseEvent(id, 'Ping', 'kept across the restart');
    await first.host.stop();
    expect((await stat(file)).size).toBeLessThan(early * 1.5);

    const clock = new VirtualClock(first.clock.now());
    const second = new LocalDurableHost({ registry: fixtureRegistry(), clock, stateDir: dir });
    await second.start();
    try {
      await runToEnd(second, id);
      expect(second.getStatus(id)?.output).toEqual({ rounds: 12, received: ['kept across the restart'] });
      expect(second.executionCount(id)).toBe(12);
      expect(clock.now()).toEqual(new Date(START.getTime() + 12 * HOUR));
    } finally {
      await second.stop();
    }
  });
});
