import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO } from '../../src/local/tenant';
import { childEnv, CLI } from '../support/cli';
import { principal, startServe, twoRingPlan, waitForRollout, type ServeChild } from '../support/serve';

/**
 * The CLI client against a real `serve` child process: the same binary, over HTTP only. A small loopback front plays
 * the part of the Functions host's key check and of App Service Authentication, which `serve` does not enforce.
 */

jest.setTimeout(120_000);

const KEY = `key-${randomBytes(12).toString('hex')}`;
let serve: ServeChild;
let front: Server;
let frontUrl = '';
let frontPrincipal: string | undefined;
let dir = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI (bounded: 90 s); `until` is polled on its output to act while it runs. */
function cli(args: string[], settings: Record<string, string> = {}, during?: (stdout: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv({ ROLLOUT_URL: serve.url, ...settings }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`authenticator-rollout ${args.join(' ')} did not end within 90 s:\n${stdout}\n${stderr}`));
    }, 90_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      during?.(stdout);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function startWith(feature: string): Promise<string> {
  const file = join(dir, `${feature}.json`);
  await writeFile(file, JSON.stringify(twoRingPlan(feature)));
  const started = await cli(['start', file, '--json']);
  expect(started).toMatchObject({ code: 0, stderr: '' });
  return (JSON.parse(started.stdout) as { id: string }).id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'client-cli-'));
  serve = await startServe();
  front = createServer((request, response) => {
    if (request.headers['x-functions-key'] !== KEY) {
      response.writeHead(401).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const headers: Record<string, string> = { 'content-type': request.headers['content-type'] ?? 'application/json' };
      if (frontPrincipal) headers['x-ms-client-principal'] = frontPrincipal;
      const init: RequestInit = { method: request.method ?? 'GET', headers };
      if (chunks.length > 0) init.body = Buffer.concat(chunks);
      fetch(`${serve.url}${request.url ?? '/'}`, init)
        .then(async (answer) => response.writeHead(answer.status, { 'content-type': 'application/json' }).end(Buffer.from(await answer.arrayBuffer())))
        .catch(() => response.writeHead(502).end());
    });
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await serve?.stop();
  await new Promise<void>((r) => front.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

describe('authenticator-rollout client commands against serve', () => {
  let completedId = '';

  it('get --watch draws the tree, follows the rollout through an approval to Completed and exits 0', async () => {
    const id = await startWith('displayAppInformation');
    completedId = id;
    await waitForRollout(serve.url, id, (r) => r.status === 'AwaitingApproval');
    let approving: Promise<Run> | undefined;
    const watched = await cli(['get', id, '--watch', '--interval', '0.3'], {}, (stdout) => {
      if (!approving && stdout.includes('Last transitions')) approving = cli(['approve', id, '--ring', 'pilot', '--reason', 'pilot looks healthy']);
    });
    expect(await approving).toMatchObject({ code: 0, stdout: `approve sent to rollout ${id}\n` });
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain(`Rollout ${id}  displayAppInformation  AwaitingApproval`);
    expect(watched.stdout).toMatch(/│ {2}├─ ● pilot\s+live/);
    expect(watched.stdout).toMatch(/│ {2}└─ ○ everyone\s+waiting/);
    expect(watched.stdout).toContain(`│  ├─ authenticator-rollout approve ${id} --ring pilot`);
    // One timeline line per change after the first drawing, in the demo's format.
    expect(watched.stdout).toMatch(/\n\w{3} \d\d \w{3} \d\d:\d\d {2}Running {10}Approved by API caller \(function key\)\n/);
    expect(watched.stdout).toMatch(/│ {2}├─ ✔ pilot\s+done.*\n│ {2}└─ ✔ everyone\s+done/);
    expect(watched.stdout.trimEnd().split('\n').at(-1)).toBe(`Rollout ${id} ended Completed.`);
    // serve prints each rollout's transitions too, polling once a second (bounded wait: 10 s).
    const served = new RegExp(`${id} {2}\\w{3} \\d\\d \\w{3} \\d\\d:\\d\\d {2}Completed {8}Completed: displayAppInformation is enabled for all_users`);
    for (let i = 0; i < 50 && !served.test(serve.output()); i++) await new Promise((r) => setTimeout(r, 200));
    expect(serve.output()).toMatch(served);
    expect(serve.output()).toMatch(new RegExp(`${id} {2}\\w{3} \\d\\d \\w{3} \\d\\d:\\d\\d {2}AwaitingApproval Waiting for approval to go past ring pilot`));
  });

  it('get --watch of a rollout that is rejected ends RolledBack with exit code 3', async () => {
    const id = await startWith('displayLocationInformation');
    await waitForRollout(serve.url, id, (r) => r.status === 'AwaitingApproval');
    let rejecting: Promise<Run> | undefined;
    const watched = await cli(['get', id, '--watch', '--interval', '0.3'], {}, () => {
      rejecting ??= cli(['reject', id, '--reason', 'helpdesk saw confused users']);
    });
    expect((await rejecting)?.code).toBe(0);
    expect(watched.code).toBe(3);
    expect(watched.stdout).toMatch(/Rejected by API caller \(function key\): helpdesk saw confused users/);
    expect(watched.stdout).toMatch(/↺ pilot\s+rolled-back/);
    expect(watched.stdout.trimEnd().split('\n').at(-1)).toBe(`Rollout ${id} ended RolledBack.`);
  });

  it('get --json and list --json print the documented fields', async () => {
    const got = await cli(['get', completedId, '--json']);
    expect(got.code).toBe(0);
    const g = JSON.parse(got.stdout) as Record<string, unknown>;
    expect(Object.keys(g)).toEqual(['id', 'feature', 'status', 'message', 'final', 'startedBy', 'startedAt', 'updatedAt', 'rings', 'soak', 'health', 'trend', 'approval', 'transitions']);
    expect(g).toMatchObject({ id: completedId, status: 'Completed', final: true, soak: null, approval: null });
    expect(g.rings).toEqual([
      { name: 'pilot', target: DEMO.groups.pilot, approval: true, soak: 'PT2S', state: 'done' },
      { name: 'everyone', target: 'all_users', approval: false, soak: 'PT1S', state: 'done' },
    ]);
    const listed = await cli(['list', '--json']);
    expect(listed.code).toBe(0);
    const rollouts = (JSON.parse(listed.stdout) as { rollouts: Array<Record<string, unknown>> }).rollouts;
    expect(rollouts.map((r) => r.id)).toContain(completedId);
    for (const r of rollouts) {
      expect(Object.keys(r)).toEqual(['id', 'feature', 'status', 'final', 'liveRing', 'message', 'startedBy', 'startedAt', 'updatedAt', 'approvalDeadline']);
    }
    const table = await cli(['list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+FEATURE\s+STATUS\s+RING\s+UPDATED\s+MESSAGE$/);
  });

  it('says what went wrong in one line with a distinct exit code for each class of error, never printing the key', async () => {
    const line = (run: Run): string => {
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      return run.stderr.trim();
    };
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));

    const unreachable = await cli(['list', '--url', closedUrl]);
    expect(unreachable.code).toBe(5);
    expect(line(unreachable)).toBe(`authenticator-rollout list: cannot reach ${closedUrl}: ECONNREFUSED; is \`authenticator-rollout serve\` running, or is --url right?`);

    const noKey = await cli(['list', '--url', frontUrl]);
    expect(noKey.code).toBe(6);
    expect(line(noKey)).toMatch(/not signed in to .* \(401\); pass --key \(ROLLOUT_FUNCTION_KEY\) or --app-id/);

    frontPrincipal = principal(DEMO.users.outsider, 'Olive Outsider', []);
    const forbidden = await cli(['pause', completedId, '--url', frontUrl], { ROLLOUT_FUNCTION_KEY: KEY });
    expect(forbidden.code).toBe(7);
    expect(line(forbidden)).toBe('authenticator-rollout pause: forbidden (403): Olive Outsider needs the app role Rollout.Operator to pause a rollout');
    frontPrincipal = 'not base64 json';
    const badPrincipal = await cli(['pause', completedId, '--url', frontUrl, '--key', KEY]);
    expect(badPrincipal.code).toBe(6);
    expect(line(badPrincipal)).toMatch(/x-ms-client-principal is not base64-encoded JSON/);
    frontPrincipal = undefined;
    const keyed = await cli(['list', '--url', frontUrl, '--key', KEY]);
    expect(keyed.code).toBe(0);

    const missing = await cli(['get', 'rzzzzzzz']);
    expect(missing.code).toBe(8);
    expect(line(missing)).toBe('authenticator-rollout get: not found (404): no rollout has the id "rzzzzzzz"');

    const conflict = await cli(['resume', completedId, '--reason', 'again']);
    expect(conflict.code).toBe(9);
    expect(line(conflict)).toBe(`authenticator-rollout resume: conflict (409): cannot resume rollout ${completedId}: it is Completed; resume applies only when it is Paused [status Completed]`);
    const wrongRing = await cli(['approve', completedId, '--ring', 'pilot']);
    expect(wrongRing.code).toBe(9);
    expect(line(wrongRing)).toMatch(/is at ring everyone \(Completed\), not pilot; nothing was sent/);

    const badPlan = join(dir, 'bad.json');
    await writeFile(badPlan, JSON.stringify({ feature: 'displayAppInformation', rings: [{ name: 'p', target: 'nope', soak: 'PT1S' }] }));
    const refused = await cli(['start', badPlan]);
    expect(refused.code).toBe(10);
    expect(line(refused)).toMatch(/^authenticator-rollout start: refused \(400\): \$\.rings\[0\]\.target .*GUID/);

    const usage = await cli(['get']);
    expect(usage.code).toBe(2);
    expect(line(usage)).toBe('authenticator-rollout get: get takes exactly one rollout id');

    for (const run of [unreachable, noKey, forbidden, badPrincipal, keyed, missing, conflict, refused]) expect(run.stdout + run.stderr).not.toContain(KEY);
  });
});
