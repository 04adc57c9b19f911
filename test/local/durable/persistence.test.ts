import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDurableHost, VirtualClock } from '../../../src/local/durable';
import { DAY, fixtureRegistry, HOUR, runToEnd, START, startHost } from './harness';

describe('persistence: a new host on the same state directory carries on', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'durable-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a host stopped while an orchestration waits on a timer is replaced by one that fires it and completes', async () => {
    const first = await startHost({ stateDir: dir });
    const id = await first.host.startNew('Sleep', { input: { ms: 3 * HOUR } });
    await first.host.idle();
    await first.host.stop();

    const clock = new VirtualClock(START);
    const second = new LocalDurableHost({ registry: fixtureRegistry(), clock, stateDir: dir });
    await second.start();
    try {
      await second.idle();
      expect(second.getStatus(id)?.runtimeStatus).toBe('Running');
      expect(second.nextTimerAt()).toEqual(new Date(START.getTime() + 3 * HOUR));
      await runToEnd(second, id);
      expect(second.getStatus(id)?.output).toEqual({ started: START.toISOString(), woke: new Date(START.getTime() + 3 * HOUR).toISOString() });
    } finally {
      await second.stop();
    }
  });

  test('entity state and finished instances survive a restart', async () => {
    const first = await startHost({ stateDir: dir });
    await first.host.signalEntity('Counter', 'kept', 'add', 7);
    const id = await first.host.startNew('Sequence', { input: ['Kyiv'] });
    await first.host.idle();
    await first.host.stop();
    const second = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await second.start();
    try {
      expect(second.readEntityState('Counter', 'kept')).toEqual({ exists: true, state: 7 });
      expect(second.getStatus(id)?.output).toEqual(['Hello Kyiv!']);
    } finally {
      await second.stop();
    }
  });

  test('a host process killed with SIGKILL mid-timer leaves state from which a new host completes the orchestration', async () => {
    const script = join(__dirname, 'persistence-child.js');
    const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const reported = new Promise<string>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('the child host did not report in time')), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /waiting (\S+)/.exec(chunk.toString());
        if (match?.[1]) {
          clearTimeout(timeout);
          resolve(match[1]);
        }
      });
      child.on('exit', () => reject(new Error('the child host exited before reporting')));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const instanceId = await reported.finally(() => child.kill('SIGKILL'));
    await exited;

    const host = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await host.start();
    try {
      await host.idle();
      expect(host.getStatus(instanceId)?.runtimeStatus).toBe('Running');
      await runToEnd(host, instanceId);
      expect(host.getStatus(instanceId)?.runtimeStatus).toBe('Completed');
      expect((host.getStatus(instanceId)?.output as { woke: string }).woke).toBe(new Date(START.getTime() + 2 * DAY).toISOString());
    } finally {
      await host.stop();
    }
  });
});
