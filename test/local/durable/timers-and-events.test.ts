import { EventType } from '../../../src/local/durable';
import { DAY, HOUR, runToEnd, START, startHost, type Harness } from './harness';

describe('durable timers on the virtual clock', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test('a two-hour timer waits until the clock reaches it, and currentUtcDateTime follows the clock', async () => {
    const id = await h.host.startNew('Sleep', { input: { ms: 2 * HOUR } });
    await h.host.idle();
    expect(h.host.getStatus(id)?.runtimeStatus).toBe('Running');
    const due = new Date(h.clock.now().getTime() + 2 * HOUR);
    expect(h.host.nextTimerAt()).toEqual(due);
    expect(await h.host.advanceToNextTimer()).toEqual(due);
    const status = h.host.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual({ started: START.toISOString(), woke: due.toISOString() });
  });

  test('a seven-day timer passes instantly as the chain of three-day timers the extension writes', async () => {
    const begin = h.clock.now().getTime();
    const id = await h.host.startNew('Sleep', { input: { ms: 7 * DAY } });
    await runToEnd(h.host, id);
    const status = h.host.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect((status?.output as { woke: string }).woke).toBe(new Date(begin + 7 * DAY).toISOString());
    const timers = h.host.history(id).filter((e) => e.EventType === EventType.TimerCreated);
    expect(timers.map((e) => [e.EventId, e.FireAt])).toEqual([
      [0, new Date(begin + 3 * DAY).toISOString()],
      [1, new Date(begin + 6 * DAY).toISOString()],
      [2, new Date(begin + 7 * DAY).toISOString()],
    ]);
  });
});

describe('external events', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test('an approval that arrives before the deadline wins, and the losing timer is cancelled', async () => {
    const id = await h.client.startNew('Approval', { input: { timeoutMs: 2 * DAY } });
    await h.host.idle();
    expect((await h.client.getStatus(id)).customStatus).toBe('awaiting approval');
    expect(h.host.nextTimerAt()).toEqual(new Date(h.clock.now().getTime() + 2 * DAY));
    await h.client.raiseEvent(id, 'Approval', { approved: true, by: 'Avery' });
    await h.host.idle();
    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ decision: { approved: true, by: 'Avery' }, at: h.clock.now().toISOString() });
    expect(status.customStatus).toBe('decided');
    expect(h.host.nextTimerAt()).toBeNull();
    expect(h.host.history(id).some((e) => e.EventType === EventType.TimerFired)).toBe(false);
  });

  test('an event raised after earlier rounds of a Task.any loop reaches the current round, not an abandoned waiter', async () => {
    const id = await h.host.startNew('PollForPing', {});
    await h.host.idle();
    await h.host.advanceToNextTimer();
    await h.host.advanceToNextTimer();
    await h.client.raiseEvent(id, 'Ping', 'pong');
    await h.host.idle();
    expect(h.host.getStatus(id)?.output).toEqual({ round: 3, ping: 'pong', greeting: expect.stringContaining('pong') });
  });

  test('with no approval the deadline timer wins when the clock reaches it', async () => {
    const id = await h.host.startNew('Approval', { input: { timeoutMs: 2 * DAY } });
    await h.host.idle();
    const deadline = new Date(h.clock.now().getTime() + 2 * DAY);
    await runToEnd(h.host, id);
    expect(h.host.getStatus(id)?.output).toEqual({ decision: 'timed out', at: deadline.toISOString() });
    await expect(h.client.raiseEvent(id, 'Approval', { approved: true })).resolves.toBeUndefined();
    await h.host.idle();
    expect(h.host.history(id).some((e) => e.EventType === EventType.EventRaised)).toBe(false);
  });

  test('an event raised before the orchestrator waits for it is buffered and delivered when it does', async () => {
    const id = await h.host.startNew('LateWaiter');
    await h.host.raiseEvent(id, 'Go', 'early bird');
    await h.host.idle();
    expect(h.host.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: 'early bird' });
  });

  test('raising an event for an unknown instance is refused with "not found"', async () => {
    await expect(h.client.raiseEvent('no-such-instance', 'Go', 1)).rejects.toThrow("No instance with ID 'no-such-instance' found.");
  });
});

describe('suspend, resume, terminate and singleton starts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test('a suspended instance holds its fired timers and raised events until it is resumed', async () => {
    const id = await h.client.startNew('Ticker');
    await h.host.idle();
    await h.client.suspend(id, 'maintenance');
    await h.host.idle();
    expect((await h.client.getStatus(id)).runtimeStatus).toBe('Suspended');
    await h.host.advanceToNextTimer();
    await h.client.raiseEvent(id, 'Stop', null);
    await h.host.idle();
    expect((await h.client.getStatus(id)).runtimeStatus).toBe('Suspended');
    expect(h.host.history(id).some((e) => e.EventType === EventType.TimerFired)).toBe(false);
    await h.client.resume(id, 'done');
    await h.host.idle();
    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ ticks: 1 });
  });

  test('terminate ends a running instance with the reason as its output and disarms its timers', async () => {
    const id = await h.client.startNew('Ticker');
    await h.host.idle();
    await h.client.terminate(id, 'operator stopped it');
    await h.host.idle();
    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Terminated');
    expect(status.output).toBe('operator stopped it');
    expect(h.host.nextTimerAt()).toBeNull();
  });

  test('starting an instance id that is still running is refused with 409, and allowed once it has finished', async () => {
    await h.client.startNew('Ticker', { instanceId: 'singleton' });
    await h.host.idle();
    await expect(h.client.startNew('Ticker', { instanceId: 'singleton' })).rejects.toThrow(/unexpected status code: 409/);
    await h.client.raiseEvent('singleton', 'Stop', null);
    await h.host.idle();
    await expect(h.client.startNew('Sequence', { instanceId: 'singleton', input: ['again'] })).resolves.toBe('singleton');
    await h.host.idle();
    expect(h.host.getStatus('singleton')?.output).toEqual(['Hello again!']);
  });
});
