import { EventType } from '../../../src/local/durable';
import { runToEnd, START, startHost, type Harness } from './harness';

describe('orchestrations with activities on the local durable host', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test('an activity sequence completes with every activity result, in order', async () => {
    const id = await h.client.startNew('Sequence', { input: ['Tokyo', 'Seattle', 'London'] });
    await h.host.idle();
    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
    expect(status.customStatus).toEqual({ step: 3, of: 3 });
  });

  test('the history numbers scheduled tasks as the extension does and brackets every episode', async () => {
    const id = await h.host.startNew('Sequence', { input: ['A', 'B'] });
    await h.host.idle();
    const history = h.host.history(id);
    const types = history.map((e) => EventType[e.EventType]);
    expect(types).toEqual([
      'OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TaskCompleted', 'TaskScheduled', 'OrchestratorCompleted',
      'OrchestratorStarted', 'TaskCompleted', 'ExecutionCompleted', 'OrchestratorCompleted',
    ]);
    const scheduled = history.filter((e) => e.EventType === EventType.TaskScheduled);
    expect(scheduled.map((e) => [e.EventId, e.Name, e.Input])).toEqual([[0, 'Greet', '"A"'], [1, 'Greet', '"B"']]);
    expect(history.filter((e) => e.EventType === EventType.TaskCompleted).map((e) => [e.TaskScheduledId, e.Result])).toEqual([
      [0, '"Hello A!"'],
      [1, '"Hello B!"'],
    ]);
  });
});

describe('activity failures and retries', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test('an activity that throws surfaces in the orchestrator as an error naming the activity and its message', async () => {
    const id = await h.host.startNew('CatchFailure');
    await h.host.idle();
    const status = h.host.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect((status?.output as { caught: string }).caught).toMatch(/^Activity function 'Fail' failed: cannot do that: the reason/);
    const failed = h.host.history(id).find((e) => e.EventType === EventType.TaskFailed);
    expect(failed).toMatchObject({ TaskScheduledId: 0, Reason: "Activity function 'Fail' failed: cannot do that: the reason" });
    expect(JSON.parse(failed?.Details ?? '{}')).toMatchObject({ Message: 'cannot do that: the reason' });
  });

  test('an unhandled activity failure fails the orchestration with a message saying which function failed', async () => {
    const id = await h.host.startNew('Unhandled');
    await h.host.idle();
    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toMatch(/^Orchestrator function 'Unhandled' failed: Activity function 'Fail' failed: cannot do that/);
  });

  test('callActivityWithRetry succeeds on the third attempt after two backoff timers, and later tasks keep their ids', async () => {
    const id = await h.host.startNew('RetryFlaky', { input: 'retry-key' });
    await h.host.idle();
    expect(h.host.nextTimerAt()).toEqual(new Date(START.getTime() + 1000));
    expect(await h.host.advanceToNextTimer()).toEqual(new Date(START.getTime() + 1000));
    expect(h.host.nextTimerAt()).toEqual(new Date(START.getTime() + 1000 + 2000));
    await runToEnd(h.host, id);
    const status = h.host.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual({ first: { attempt: 3 }, after: 'Hello after retry!' });
    const scheduling = h.host
      .history(id)
      .filter((e) => e.EventType === EventType.TaskScheduled || e.EventType === EventType.TimerCreated)
      .map((e) => `${EventType[e.EventType]}#${e.EventId}${e.Name ? ` ${e.Name}` : ''}`);
    expect(scheduling).toEqual(['TaskScheduled#0 Flaky', 'TimerCreated#1', 'TaskScheduled#2 Flaky', 'TimerCreated#3', 'TaskScheduled#4 Flaky', 'TaskScheduled#5 Greet']);
  });

  test('a retried activity that keeps failing gives up after the last attempt and its backoff timer, as DTFx does', async () => {
    const id = await h.host.startNew('RetryExhausted');
    await runToEnd(h.host, id);
    const status = h.host.getStatus(id);
    expect(status?.output).toEqual({ gaveUp: "Activity function 'Fail' failed: cannot do that: always " });
    const kinds = h.host.history(id).filter((e) => e.EventType === EventType.TaskScheduled || e.EventType === EventType.TimerCreated).map((e) => EventType[e.EventType]);
    expect(kinds).toEqual(['TaskScheduled', 'TimerCreated', 'TaskScheduled', 'TimerCreated']);
  });

  test('Task.all of activities completes with all results', async () => {
    const id = await h.host.startNew('FanOut', { input: ['x', 'y', 'z'] });
    await h.host.idle();
    expect(h.host.getStatus(id)?.output).toEqual(['Hello x!', 'Hello y!', 'Hello z!']);
  });

  test('continueAsNew restarts the instance with fresh history and the new input', async () => {
    const id = await h.host.startNew('Restarting', { input: 1 });
    await h.host.idle();
    const status = h.host.getStatus(id, { showInput: true });
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'finished after round 3', input: 3 });
    expect(h.host.history(id).filter((e) => e.EventType === EventType.ExecutionStarted)).toHaveLength(1);
  });
});
