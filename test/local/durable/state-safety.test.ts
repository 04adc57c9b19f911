import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableStateError, LocalDurableHost, VirtualClock } from '../../../src/local/durable';
import { childEnv, CLI } from '../../support/cli';
import { fixtureRegistry, START } from './harness';

/**
 * The state directory is never used half-read or by two engines: `serve` (as a child process) on a damaged file or
 * a directory another `serve` owns exits 1 with one line naming the file or the owning pid, and changes no file.
 */

jest.setTimeout(120_000);

interface Exit {
  code: number | null;
  stderr: string;
  ms: number;
}

function serveUntilExit(stateDir: string, timeoutMs = 30_000): Promise<Exit> {
  const began = Date.now();
  const child = spawn(process.execPath, [CLI, 'serve'], { env: childEnv({ PORT: '0', ROLLOUT_STATE_DIR: stateDir }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timeout);
      resolve({ code, stderr, ms: Date.now() - began });
    });
  });
}

/** Names, contents and modification times of every file under `dir`. */
async function fingerprint(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (sub: string): Promise<void> => {
    for (const entry of (await readdir(join(dir, sub), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) {
        await walk(rel);
        continue;
      }
      hash.update(`${rel}\0${(await stat(join(dir, rel))).mtimeMs}\0`).update(await readFile(join(dir, rel)));
    }
  };
  await walk('');
  return hash.digest('hex');
}

/** A state directory holding one running and one finished instance, written by the engine itself. */
async function populatedState(): Promise<{ dir: string; running: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'durable-safety-'));
  const host = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
  await host.start();
  const running = await host.startNew('CollectVotes', { input: { n: 2 } });
  await host.startNew('Sequence', { input: ['Lviv'] });
  await host.idle();
  await host.stop();
  return { dir, running, file: join(dir, 'instances', `${Buffer.from(running).toString('base64url')}.json`) };
}

describe('serve refuses a state directory it cannot use safely', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  test('a second serve on the same directory exits 1 at once, naming the directory and the owner pid, touching nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'durable-lock-'));
    dirs.push(dir);
    const first = spawn(process.execPath, [CLI, 'serve'], { env: childEnv({ PORT: '0', ROLLOUT_STATE_DIR: dir }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    first.stdout.on('data', (d: Buffer) => (output += d.toString()));
    first.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !/durable state:/.test(output) && first.exitCode === null) await new Promise((r) => setTimeout(r, 100));
      expect(output).toMatch(/listening on/);
      const before = await fingerprint(dir);
      const second = await serveUntilExit(dir);
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^authenticator-rollout: durable state directory ${escape(dir)} is in use by process ${first.pid} \\(since .+\\): stop that process first`)),
      ]);
      expect(second.ms).toBeLessThan(15_000);
      expect(await fingerprint(dir)).toBe(before);
    } finally {
      const exited = new Promise((r) => first.once('exit', r));
      first.kill('SIGTERM');
      await exited;
    }
  });

  test.each([
    ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2)), /is not valid JSON \(it may have been truncated\)/],
    ['emptied', () => '', /is empty/],
    ['without its history', (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), history: undefined }), /has no history/],
  ])('an instance file %s stops serve with exit 1 and a line naming the file and what to do, touching nothing', async (_, damage, problem) => {
    const { dir, file } = await populatedState();
    dirs.push(dir);
    await writeFile(file, damage(await readFile(file, 'utf8')));
    const before = await fingerprint(dir);
    const result = await serveUntilExit(dir);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`durable state file ${file} `);
    expect(lines[0]).toMatch(problem);
    expect(lines[0]).toMatch(/nothing was changed: restore it from a backup, or move the state directory aside/);
    expect(await fingerprint(dir)).toBe(before);
  });

  test('an instance file deleted while the index names it stops serve with exit 1 (the rollout does not silently vanish)', async () => {
    const { dir, file, running } = await populatedState();
    dirs.push(dir);
    await rm(file);
    const before = await fingerprint(dir);
    const result = await serveUntilExit(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`durable state file ${file} is missing, but ${join(dir, 'index.json')} names it ("${running}")`);
    expect(await fingerprint(dir)).toBe(before);
  });
});

describe('the lock file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'durable-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a lock left by a process that is gone is taken over; one held in this process refuses a second engine', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const { hostname } = await import('node:os');
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), startedAt: START.toISOString() }));
    const first = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
    await first.start();
    try {
      expect(JSON.parse(await readFile(join(dir, '.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
      const second = new LocalDurableHost({ registry: fixtureRegistry(), clock: new VirtualClock(START), stateDir: dir });
      const refused = await second.start().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DurableStateError);
      expect((refused as DurableStateError).message).toMatch(new RegExp(`^durable state directory ${escape(dir)} is in use by process ${process.pid} `));
    } finally {
      await first.stop();
    }
    await expect(stat(join(dir, '.lock'))).rejects.toThrow(/ENOENT/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
