import { outside } from '../../fixtures/durable-app/nondeterministic';
import { runToEnd, startHost, type Harness } from './harness';

describe('replayPrefixes: the determinism check', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test.each([
    ['Sequence', ['a', 'b', 'c']],
    ['RetryFlaky', 'replay-key'],
    ['Approval', { timeoutMs: 3_600_000 }],
    ['Sleep', { ms: 8 * 86_400_000 }],
    ['CountFromOrchestration', { key: 'replayed', count: 3 }],
  ])('a finished %s history replays to the same work at every step', async (name, input) => {
    const id = await h.host.startNew(name, { input });
    await runToEnd(h.host, id);
    expect(h.host.getStatus(id)?.runtimeStatus).toBe('Completed');
    const report = await h.host.replayPrefixes(id);
    expect(report.problems).toEqual([]);
    expect(report.deterministic).toBe(true);
    expect(report.episodes).toBeGreaterThan(1);
  });

  test('an orchestrator that reads outside state is reported as non-deterministic, naming the episode and the task', async () => {
    outside.first = 'Greet';
    const id = await h.host.startNew('ReadsOutsideState');
    await h.host.idle();
    await h.host.raiseEvent(id, 'Continue', null);
    await h.host.idle();
    expect(h.host.getStatus(id)?.runtimeStatus).toBe('Completed');
    outside.first = 'Echo';
    try {
      const report = await h.host.replayPrefixes(id);
      expect(report.deterministic).toBe(false);
      expect(report.problems[0]).toBe('episode 1 of 4: the history records [activity #0 Greet] but the orchestrator now asks for [activity #0 Echo].');
      expect(report.problems[1]).toMatch(/^episode 2 of 4: Non-deterministic workflow detected: task #0 was TaskScheduled \(Greet\) in the history but is now TaskScheduled \(Echo\)/);
    } finally {
      outside.first = 'Greet';
    }
  });

  test('the host itself fails an instance whose orchestrator changes what it scheduled', async () => {
    outside.first = 'Greet';
    const id = await h.host.startNew('ReadsOutsideState');
    await h.host.idle();
    outside.first = 'Echo';
    try {
      await h.host.raiseEvent(id, 'Continue', null);
      await h.host.idle();
      const status = h.host.getStatus(id);
      expect(status?.runtimeStatus).toBe('Failed');
      expect(String(status?.output)).toMatch(/Non-deterministic workflow detected/);
    } finally {
      outside.first = 'Greet';
    }
  });
});
