import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventType, LocalDurableHost, VirtualClock } from '../../../src/local/durable';
import type { EntityRecord, InstanceRecord } from '../../../src/local/durable/instance';
import { fixtureRegistry, START } from './harness';

/**
 * Messages between orchestrations and entities survive a host that dies between two writes: what one side has
 * committed to send is in its own file (an outbox) until the other side has it on disk. The crash is simulated by a
 * store whose writes of one kind never complete, then a new host on the same directory.
 */

interface Store {
  saveInstance(record: InstanceRecord): Promise<void>;
  saveEntity(record: EntityRecord): Promise<void>;
}

function storeOf(host: LocalDurableHost): Store {
  return Reflect.get(host, 'store') as Store;
}

const never = (): Promise<void> => new Promise<void>(() => undefined);

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(predicate()).toBe(true);
}

describe('entity messages across a crash', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'durable-entity-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a signal sent by an orchestration that finished is delivered by the next host if the entity never saved it', async () => {
    const first = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await first.start();
    storeOf(first).saveEntity = never;
    const id = await first.startNew('SignalAndFinish', { input: { key: 'released', amount: 5 } });
    await until(() => first.getStatus(id)?.runtimeStatus === 'Completed');
    await first.stop();

    const second = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await second.start();
    try {
      await second.idle();
      expect(second.readEntityState('Counter', 'released')).toEqual({ exists: true, state: 10 });
    } finally {
      await second.stop();
    }
  });

  test("an entity's response that never reached the caller's file is delivered by the next host", async () => {
    const first = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await first.start();
    const store = storeOf(first);
    const save = store.saveInstance.bind(store);
    const answered = (r: InstanceRecord): boolean => [...r.history, ...r.inbox].some((e) => e.EventType === EventType.EventRaised);
    store.saveInstance = (record) => (answered(record) ? never() : save(record));
    const id = await first.startNew('CountFromOrchestration', { input: { key: 'asked', count: 0 } });
    await until(() => first.history(id).some((e) => e.EventType === EventType.EventRaised));
    await first.stop();

    const second = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await second.start();
    try {
      await second.idle();
      expect(second.getStatus(id)).toMatchObject({ runtimeStatus: 'Completed', output: { value: 0, greeting: 'Hello counter at 0!' } });
    } finally {
      await second.stop();
    }
  });
});
