import { loadFunctionApp } from '../../../src/local/functions-host/registry';
import { LocalDurableHost, VirtualClock } from '../../../src/local/durable';
import { FIXTURE_MODULES } from '../../fixtures/durable-app';

describe('the local functions host', () => {
  const registry = loadFunctionApp(FIXTURE_MODULES);

  test('every app.* and df.app.* registration arrives with its trigger type', () => {
    const byName = new Map(registry.list().map((f) => [f.name, f.triggerType]));
    expect(byName.get('Greet')).toBe('activityTrigger');
    expect(byName.get('Sequence')).toBe('orchestrationTrigger');
    expect(byName.get('Counter')).toBe('entityTrigger');
    expect(byName.get('StartOrchestration')).toBe('httpTrigger');
  });

  test('invoking an activity runs its handler through the programming model and returns its result', async () => {
    await expect(registry.get('Greet').invoke('Lisbon')).resolves.toBe('Hello Lisbon!');
    await expect(registry.get('Echo').invoke({ nested: [1, 'two'] })).resolves.toEqual({ nested: [1, 'two'] });
  });

  test('an activity that throws rejects the invocation with its error', async () => {
    await expect(registry.get('Fail').invoke('why')).rejects.toThrow('cannot do that: why');
  });

  test('asking for an unknown function names it', () => {
    expect(() => registry.get('Nope')).toThrow('No function named "Nope" is registered.');
  });

  describe('an HTTP function with a durable client binding', () => {
    const host = new LocalDurableHost({ registry, clock: new VirtualClock(new Date('2026-11-30T08:00:00Z')) });
    beforeAll(async () => {
      await host.start();
    });
    afterAll(async () => {
      await host.stop();
    });

    test('starts an orchestration on the local durable host and answers 202 with the check-status links', async () => {
      const response = await registry.invokeHttp('StartOrchestration', {
        method: 'POST',
        url: 'http://127.0.0.1:7071/api/start/Sequence',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(['Porto'])),
        params: { name: 'Sequence' },
      });
      expect(response.status).toBe(202);
      const payload = JSON.parse(response.body.toString('utf8')) as { id: string; statusQueryGetUri: string };
      expect(payload.statusQueryGetUri).toContain(`/instances/${payload.id}`);
      expect(response.headers.location).toBe(payload.statusQueryGetUri);
      await host.idle();
      expect(host.getStatus(payload.id)?.output).toEqual(['Hello Porto!']);
    });

    test('invokeHttp refuses a function that is not HTTP-triggered', async () => {
      await expect(registry.invokeHttp('Greet', { method: 'GET', url: 'http://127.0.0.1/api/x' })).rejects.toThrow('Function "Greet" is not HTTP-triggered.');
    });
  });
});
