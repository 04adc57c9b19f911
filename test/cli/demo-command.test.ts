import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { childEnv, CLI } from '../support/cli';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');

/** `npm start` is `node dist/src/cli/main.js demo`: run exactly that, in a child process, on the built-in tenant. */
async function demo(args: string[]): Promise<{ code: number; stdout: string }> {
  const env = childEnv();
  try {
    const { stdout } = await run(process.execPath, [CLI, 'demo', ...args], { cwd: ROOT, env, timeout: 60_000 });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '' };
  }
}

describe('npm start', () => {
  it('runs a complete rollout of displayAppInformation through two pilot rings to all_users, readable as it happens', async () => {
    const { code, stdout } = await demo([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Preflight +ring pilot = Ring 0 - IT pilot \(10 members/);
    expect(stdout).toMatch(/Ring pilot enabled and verified/);
    expect(stdout).toMatch(/Health +ring pilot: \d+ Authenticator pushes since .* -> (healthy|not enough evidence yet)/);
    expect(stdout).toMatch(/AwaitingApproval +Waiting for approval to go past ring pilot/);
    expect(stdout).toMatch(/Approved by Avery Approver \(simulated\)/);
    expect(stdout).toMatch(/Ring early-adopters enabled and verified/);
    expect(stdout).toMatch(/Completed +Completed: displayAppInformation is enabled for all_users/);
    expect(stdout).toMatch(/Tenant now: displayAppInformation state enabled, enabled for all_users; 3 PATCH\(es\)/);
    expect(stdout).toContain('As expected: Completed, and the tenant confirms it.');
  }, 60_000);

  it('--scenario health-breach shows the failure spike in the pilot and the automatic, verified rollback', async () => {
    const { code, stdout } = await demo(['--scenario', 'health-breach']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/-> BREACHED/);
    expect(stdout).toMatch(/RolledBack +Rolled back and verified: health gate breached in ring pilot/);
    expect(stdout).not.toMatch(/Ring early-adopters enabled/);
    expect(stdout).toMatch(/Tenant now: displayAppInformation state default, enabled for nobody/);
  }, 60_000);

  it('--scenario reject shows an approver rejecting and the rollback', async () => {
    const { code, stdout } = await demo(['--scenario', 'reject']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Rejected by Avery Approver \(simulated\): helpdesk saw confused users in the pilot/);
    expect(stdout).toMatch(/RolledBack +Rolled back and verified/);
  }, 60_000);

  it('--plan runs a user plan file, and refuses an unknown scenario with exit code 2', async () => {
    const fromFile = await demo(['--plan', 'examples/display-location-information.json']);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(/Completed: displayLocationInformation is enabled for all_users/);
    expect((await demo(['--scenario', 'nonsense'])).code).toBe(2);
  }, 60_000);
});
