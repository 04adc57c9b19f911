import * as df from 'durable-functions';
import { START, startHost, type Harness } from './harness';

describe('the client endpoints, through the real DurableClient', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost({ listPageSize: 2 });
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test('status carries name, times to the second, input, output and custom status as the client parses them', async () => {
    const id = await h.client.startNew('Sequence', { instanceId: 'status-check', input: ['Oslo'] });
    await h.host.idle();
    const status = await h.client.getStatus(id, { showInput: true });
    expect(status).toMatchObject({
      name: 'Sequence',
      instanceId: 'status-check',
      runtimeStatus: df.OrchestrationRuntimeStatus.Completed,
      input: ['Oslo'],
      output: ['Hello Oslo!'],
      customStatus: { step: 1, of: 1 },
    });
    expect(status.createdTime).toEqual(new Date(START.toISOString().slice(0, 19) + 'Z'));
    const withoutInput = await fetch(`${h.host.clientBinding().rpcBaseUrl}instances/${id}?showInput=false`);
    expect(((await withoutInput.json()) as { input: unknown }).input).toBeNull();
  });

  test('status with history lists the events by name, as the extension serves them', async () => {
    const id = await h.client.startNew('Sequence', { input: ['Rome'] });
    await h.host.idle();
    const raw = await fetch(`${h.host.clientBinding().rpcBaseUrl}instances/${id}?showHistory=true`);
    const body = (await raw.json()) as { historyEvents: { EventType: string }[] };
    expect(body.historyEvents.map((e) => e.EventType)).toContain('TaskScheduled');
    expect(body.historyEvents[body.historyEvents.length - 1]?.EventType).toBe('OrchestratorCompleted');
  });

  test('listing follows continuation tokens across pages and filters by runtime status', async () => {
    for (const n of ['l1', 'l2', 'l3']) await h.client.startNew('Ticker', { instanceId: n });
    await h.host.idle();
    const running = await h.client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Running] });
    expect(running.map((s) => s.instanceId).sort()).toEqual(['l1', 'l2', 'l3']);
    const all = await h.client.getStatusAll();
    expect(all.length).toBe(h.host.list().length);
    expect(all.length).toBeGreaterThan(2);
    for (const n of ['l1', 'l2', 'l3']) await h.client.terminate(n, 'cleanup');
    await h.host.idle();
  });

  test('purge deletes a finished instance; purging an unknown one deletes nothing', async () => {
    const id = await h.client.startNew('Sequence', { input: [] });
    await h.host.idle();
    expect((await h.client.purgeInstanceHistory(id)).instancesDeleted).toBe(1);
    await expect(h.client.getStatus(id)).rejects.toThrow(/404/);
    expect((await h.client.purgeInstanceHistory(id)).instancesDeleted).toBe(0);
  });

  test('rewind is answered as unsupported', async () => {
    const id = await h.client.startNew('Unhandled');
    await h.host.idle();
    await expect(h.client.rewind(id, 'try again')).rejects.toThrow('The local durable host does not support rewind.');
  });

  test('starting an orchestrator that is not registered is refused with a clear error', async () => {
    await expect(h.client.startNew('NoSuchOrchestrator')).rejects.toThrow(/400.*No orchestrator function named \\"NoSuchOrchestrator\\"/);
  });
});
