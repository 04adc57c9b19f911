import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { childEnv, CLI } from '../support/cli';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const PILOT = '0b6a2f3e-5c41-4d8e-9a27-61f0c3b8d512';

/**
 * Runs the real CLI in a child process, against the built-in emulated tenant (GRAPH_BASE_URL unset). Reading a week of
 * sign-ins keeps to Graph's reports limit (5 requests per 10 s of real time), so a check takes about ten seconds.
 */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = childEnv();
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env, timeout: 45_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('authenticator-rollout plan', () => {
  it.each(['display-app-information', 'display-location-information', 'companion-app'])(
    'shows ring by ring the enabled target before and after and the exact PATCH for examples/%s.json, then the rollback',
    async (name) => {
      const result = await cli(['plan', join('examples', `${name}.json`), '--json']);
      expect(result.code).toBe(0);
      const preview = JSON.parse(result.stdout) as { feature: string; shape: string; changes: Array<{ ring: string; target: string; before: string | null; after: string | null; patch: Record<string, unknown> }>; rollback: { patch: Record<string, unknown> } };
      expect(preview.shape).toBe('featureSettings');
      expect(preview.changes.map((c) => [c.ring, c.before, c.after])).toEqual([
        ['pilot', null, PILOT],
        ['early-adopters', PILOT, '7e93c1d4-2b6f-4a08-b5e9-d43a18c6f720'],
        ['everyone', '7e93c1d4-2b6f-4a08-b5e9-d43a18c6f720', 'all_users'],
      ]);
      for (const change of preview.changes) {
        expect(change.patch['@odata.type']).toBe('#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration');
        expect(JSON.stringify(change.patch)).not.toContain('numberMatchingRequiredState');
        expect(change.patch).not.toHaveProperty('includeTargets');
      }
      expect(preview.rollback.patch).toHaveProperty('featureSettings');
    },
    60_000,
  );

  it('says number matching is enforced by Microsoft on a current tenant and plans no write', async () => {
    const result = await cli(['plan', 'examples/number-matching.json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/enforced by Microsoft .* nothing would be written/);
    expect(result.stdout).not.toContain('PATCH body');
  }, 60_000);

  it('plans number matching on a legacy tenant as one swap per ring, never two enabled targets', async () => {
    const result = await cli(['plan', 'examples/number-matching.json', '--json', '--shape', 'legacy']);
    expect(result.code).toBe(0);
    const preview = JSON.parse(result.stdout) as { shape: string; changes: Array<{ patch: { includeTargets: Array<Record<string, string>> } }> };
    expect(preview.shape).toBe('legacy');
    for (const change of preview.changes) {
      expect(change.patch.includeTargets.filter((t) => t.numberMatchingRequiredState === 'enabled')).toHaveLength(1);
    }
  }, 60_000);

  it('exits 2 with every problem of an invalid plan', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ feature: 'x', rings: [{ name: 'a', target: 'nope', soak: 'P1D' }] }));
    const result = await cli(['plan', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('$.feature: must be one of');
    expect(result.stdout).toContain('$.rings[0].target: must be a group object id (GUID) or "all_users"');
  }, 60_000);

  it('exits 2 with a usage message for a missing file argument or an unknown option', async () => {
    expect((await cli(['plan'])).code).toBe(2);
    const unknown = await cli(['plan', 'examples/number-matching.json', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--colour'/);
  }, 60_000);
});

describe('authenticator-rollout plan checks the tenant before it prints', () => {
  async function planFile(rings: Array<{ name: string; target: string }>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'plan-check-'));
    const file = join(dir, 'plan.json');
    await writeFile(file, JSON.stringify({ feature: 'displayAppInformation', rings: rings.map((r) => ({ ...r, soak: 'P1D' })) }));
    return file;
  }

  it('exits 2 and names a ring group that does not exist', async () => {
    const missing = '3f2b1c4d-0000-4000-8000-00000000dead';
    const result = await cli(['plan', await planFile([{ name: 'pilot', target: missing }, { name: 'everyone', target: 'all_users' }])]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`ring pilot: group ${missing} NOT FOUND`);
    expect(result.stdout).toContain(`ERROR: Ring pilot: group ${missing} does not exist in the tenant.`);
  }, 60_000);

  it('reports rings in the wrong order: the later ring does not contain the earlier one', async () => {
    const result = await cli(['plan', await planFile([{ name: 'early', target: '7e93c1d4-2b6f-4a08-b5e9-d43a18c6f720' }, { name: 'pilot', target: PILOT }, { name: 'everyone', target: 'all_users' }])]);
    expect(result.stdout).toMatch(/warning: Ring pilot has fewer members \(10\) than ring early \(50\), so it cannot contain it\./);
  }, 60_000);

  it('prints the findings, each ring’s push failure rate over the look-back, then the PATCHes and the rollback (also as JSON)', async () => {
    const text = await cli(['plan', 'examples/display-app-information.json']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/ring pilot: Ring 0 - IT pilot, 10 members, 9 with Authenticator push/);
    expect(text.stdout).toMatch(/ring pilot: \d+ of \d+ Authenticator pushes failed \(\d+(\.\d)?%\)/);
    expect(text.stdout.indexOf('Authenticator pushes failed')).toBeLessThan(text.stdout.indexOf('PATCH body'));
    expect(text.stdout).toContain('Rollback (any failure) PATCH body:');
    const json = JSON.parse((await cli(['plan', 'examples/display-app-information.json', '--json'])).stdout) as { findings: { errors: string[]; baselines: Array<{ ring: string; attempts: number }> } };
    expect(json.findings.errors).toEqual([]);
    expect(json.findings.baselines.map((b) => b.ring)).toEqual(['pilot', 'early-adopters', 'everyone']);
    expect(json.findings.baselines.every((b) => b.attempts > 0)).toBe(true);
  }, 60_000);
});
