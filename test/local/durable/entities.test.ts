import * as df from 'durable-functions';
import { startHost, type Harness } from './harness';

describe('durable entities', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost();
  });
  afterAll(async () => {
    await h.host.stop();
  });

  test('twenty concurrent signals to one counter are applied one at a time, losing none', async () => {
    const counter = new df.EntityId('Counter', 'concurrent');
    await Promise.all(Array.from({ length: 20 }, () => h.client.signalEntity(counter, 'add', 1)));
    await h.host.idle();
    const state = await h.client.readEntityState<number>(counter);
    expect(state).toEqual({ entityExists: true, entityState: 20 });
  });

  test('an entity nobody has touched does not exist', async () => {
    expect((await h.client.readEntityState(new df.EntityId('Counter', 'untouched'))).entityExists).toBe(false);
  });

  test('an orchestration signals an entity and then reads it back with callEntity', async () => {
    const id = await h.client.startNew('CountFromOrchestration', { input: { key: 'from-orchestration', count: 5 } });
    await h.host.idle();
    const status = await h.client.getStatus(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ value: 5, greeting: 'Hello counter at 5!' });
  });
});
