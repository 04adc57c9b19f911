import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDurableHost, VirtualClock } from '../../../src/local/durable';
import { fixtureRegistry, START } from './harness';

/**
 * What the durable client endpoint answers 202 for is on disk before the answer: a host process killed with SIGKILL
 * the moment the last 202 arrives loses nothing.
 */

jest.setTimeout(60_000);

interface Child {
  process: ChildProcess;
  rpc: string;
}

async function startChild(dir: string): Promise<Child> {
  const child = spawn(process.execPath, [join(__dirname, 'durable-child.js'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const rpc = await new Promise<string>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`the child host did not start in time: ${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /ready (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timeout);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => reject(new Error(`the child host exited: ${output}`)));
  });
  return { process: child, rpc };
}

async function kill(child: Child): Promise<void> {
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

describe('accepted means on disk', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'durable-accepted-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a start, then 30 concurrent events, each killed right after its last 202, all take effect on the next host', async () => {
    const first = await startChild(dir);
    const started = await fetch(`${first.rpc}orchestrators/CollectVotes`, { method: 'POST', body: JSON.stringify({ n: 30 }) });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    await kill(first);

    // The second process takes over the lock the killed one left behind.
    const second = await startChild(dir);
    const votes = Array.from({ length: 30 }, (_, i) => `vote-${i}`);
    const answers = await Promise.all(
      votes.map((vote) => fetch(`${second.rpc}instances/${id}/raiseEvent/Vote`, { method: 'POST', body: JSON.stringify(vote) }).then((r) => r.status)),
    );
    await kill(second);
    expect(answers).toEqual(votes.map(() => 202));

    const host = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await host.start();
    try {
      await host.idle();
      const status = host.getStatus(id);
      expect(status?.runtimeStatus).toBe('Completed');
      expect([...(status?.output as string[])].sort()).toEqual([...votes].sort());
    } finally {
      await host.stop();
    }
  });

  test('a terminate answered 202 takes effect after a kill -9', async () => {
    const child = await startChild(dir);
    const started = await fetch(`${child.rpc}orchestrators/CollectVotes`, { method: 'POST', body: JSON.stringify({ n: 1 }) });
    const { id } = (await started.json()) as { id: string };
    const terminated = await fetch(`${child.rpc}instances/${id}/terminate?reason=${encodeURIComponent('operator abort')}`, { method: 'POST' });
    await kill(child);
    expect(terminated.status).toBe(202);

    const host = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await host.start();
    try {
      await host.idle();
      expect(host.getStatus(id)).toMatchObject({ runtimeStatus: 'Terminated', output: 'operator abort' });
    } finally {
      await host.stop();
    }
  });
});
