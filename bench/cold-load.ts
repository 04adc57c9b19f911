import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScript, esbuildArgs } from './build-script';
import { elapsedMs, median } from './stats';

/**
 * Cold load: the wall time of a fresh `node` process that only requires an entry, with the local functions core
 * preloaded as the worker would provide it. Runs are interleaved so that drift on the machine hits every subject alike.
 */

export interface ColdLoadSubject {
  name: string;
  entry: string;
  /** Functions the entry registered (checked in a separate, untimed run). */
  registered: number;
  samplesMs: number[];
  medianMs: number;
}

export interface ColdLoadResult {
  runs: number;
  subjects: ColdLoadSubject[];
  /** Median of the deployment bundle over median of the hello-world bundle. */
  bundleToHello: number;
}

export const HELLO_FIXTURE = 'bench/fixtures/hello.ts';
const PRELOAD = join(__dirname, 'preload.js');

export async function measureColdLoad(repoRoot: string, runs: number): Promise<ColdLoadResult> {
  const temp = await mkdtemp(join(tmpdir(), 'bench-hello-'));
  try {
    const hello = join(temp, 'hello.js');
    const built = spawnSync('npx', esbuildArgs(buildScript(repoRoot), hello, HELLO_FIXTURE), { cwd: repoRoot, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`esbuild could not bundle ${HELLO_FIXTURE}: ${built.stderr.trim()}`);
    const entries = [
      { name: 'node + core preload only', entry: '' },
      { name: 'hello-world bundle (esbuild)', entry: hello },
      { name: 'build/functions.js (bundle)', entry: join(repoRoot, 'build/functions.js') },
      { name: 'dist/functions/index.js (unbundled)', entry: join(repoRoot, 'dist/functions/index.js') },
    ];
    const subjects: ColdLoadSubject[] = entries.map((e) => ({ ...e, registered: registeredBy(e.entry), samplesMs: [], medianMs: 0 }));
    for (let run = 0; run < runs; run++) {
      for (const subject of subjects) subject.samplesMs.push(timeLoad(subject.entry));
    }
    for (const subject of subjects) subject.medianMs = median(subject.samplesMs);
    const [, helloSubject, bundleSubject] = subjects;
    return { runs, subjects, bundleToHello: (bundleSubject?.medianMs ?? Number.NaN) / (helloSubject?.medianMs ?? Number.NaN) };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function loadScript(entry: string): string {
  return entry === '' ? '' : `require(${JSON.stringify(entry)})`;
}

function timeLoad(entry: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-r', PRELOAD, '-e', loadScript(entry)], { encoding: 'utf8' });
  const ms = elapsedMs(start);
  if (result.status !== 0) throw new Error(`loading ${entry} failed: ${result.stderr.trim()}`);
  return ms;
}

/** Proves the load was real: an entry that did not find the core would register nothing ("test mode"). */
function registeredBy(entry: string): number {
  const script = `${loadScript(entry)};process.stdout.write(String(require('@azure/functions-core').registrationNames().length))`;
  const result = spawnSync(process.execPath, ['-r', PRELOAD, '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loading ${entry || 'nothing'} failed: ${result.stderr.trim()}`);
  return Number(result.stdout);
}
