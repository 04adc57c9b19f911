import { EventType } from '../../../src/local/durable';
import { HOUR, startHost, type Harness } from './harness';

/**
 * Fact-finding, pinned as a test: how the real durable-functions 3.5 replay treats an event that arrives while the
 * orchestrator awaits an activity (its issue #558). The engine runs the real library, so orchestrator code tested
 * here meets the same behaviour as in Azure.
 */

jest.setTimeout(30_000);

describe('durable-functions #558: an event that arrives early', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHost();
  });
  afterEach(async () => {
    await h.host.stop();
  });

  /** Raises "Abort" while the 500 ms Pause activity is in flight (bounded wait for it to be scheduled). */
  async function abortDuringActivity(id: string, payload: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    const scheduled = (): boolean => h.host.history(id).some((e) => e.EventType === EventType.TaskScheduled && e.Name === 'Pause');
    while (!scheduled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(scheduled()).toBe(true);
    await h.host.raiseEvent(id, 'Abort', payload);
    expect(h.host.history(id).some((e) => e.EventType === EventType.TaskCompleted)).toBe(false);
  }

  test('a waiter already part of an earlier Task.any completes (isCompleted is true), but a later Task.any never resolves with it', async () => {
    const id = await h.host.startNew('EarlyEvent', { input: { yieldWaiterFirst: true } });
    await h.host.idle();
    h.clock.advanceBy(60_000); // the one-minute timer wins the first Task.any; the activity starts
    await abortDuringActivity(id, 'stop now');
    await h.host.idle();
    // The activity is done and the second Task.any is built: the event is not noticed, the timer is all it waits for.
    expect(h.host.getStatus(id)?.runtimeStatus).toBe('Running');
    await h.host.advanceToNextTimer();
    expect(h.host.getStatus(id)?.output).toEqual({ completedBeforeAny: true, winner: 'timer', abortResult: 'stop now', afterMs: 60_000 + HOUR });
  });

  test('in that state a second event of the same name does resolve the later Task.any', async () => {
    const id = await h.host.startNew('EarlyEvent', { input: { yieldWaiterFirst: true } });
    await h.host.idle();
    h.clock.advanceBy(60_000);
    await abortDuringActivity(id, 'first');
    await h.host.idle();
    expect(h.host.getStatus(id)?.runtimeStatus).toBe('Running');
    await h.host.raiseEvent(id, 'Abort', 'second');
    await h.host.idle();
    expect(h.host.getStatus(id)?.output).toEqual({ completedBeforeAny: true, winner: 'abort', abortResult: 'second', afterMs: 60_000 });
  });

  test('a waiter created before the activity but never yielded yet is completed by the later Task.any at once', async () => {
    const id = await h.host.startNew('EarlyEvent', { input: { yieldWaiterFirst: false } });
    await abortDuringActivity(id, 'stop now');
    await h.host.idle();
    expect(h.host.getStatus(id)?.output).toEqual({ completedBeforeAny: false, winner: 'abort', abortResult: 'stop now', afterMs: 0 });
  });
});
