import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ChildCall, ChildReport } from './emit-child';

export interface ChildRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  report: ChildReport | undefined;
  durationMs: number;
}

export interface ChildOptions {
  connectionString?: string;
  caFile?: string;
  secrets?: string[];
  calls: ChildCall[];
  flushTimeoutMs?: number;
  timeoutMs: number;
}

/**
 * Runs emit-child.js in a fresh node process. SDK self-telemetry is off, and any request to a host other than
 * 127.0.0.1 goes to a proxy on a closed loopback port, so nothing leaves the machine.
 */
export async function runChild(options: ChildOptions): Promise<ChildRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  Object.assign(env, {
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
    APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1',
    CHILD_CALLS: JSON.stringify(options.calls),
    CHILD_SECRETS: JSON.stringify(options.secrets ?? []),
  });
  if (options.connectionString !== undefined) env.CHILD_CONNECTION_STRING = options.connectionString;
  if (options.caFile !== undefined) env.NODE_EXTRA_CA_CERTS = options.caFile;
  if (options.flushTimeoutMs !== undefined) env.CHILD_FLUSH_TIMEOUT_MS = String(options.flushTimeoutMs);

  const started = Date.now();
  const child = spawn(process.execPath, [join(__dirname, 'emit-child.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(killer);
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  let report: ChildReport | undefined;
  try {
    report = JSON.parse(lastLine) as ChildReport;
  } catch {
    report = undefined;
  }
  return { exitCode, stdout, stderr, report, durationMs: Date.now() - started };
}
