import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { buildScript } from '../../bench/build-script';
import { featureStatus } from '../../src/policy';
import { ALL_USERS } from '../../src/policy/types';
import { validatePlan, type RolloutPlan } from '../../src/plan';
import { startLocalHost, type LocalHost } from '../../src/local/host';
import { DEMO, startEmulatedTenant, type EmulatedTenant } from '../../src/local/tenant';
import { startRollout } from '../../src/rollout/desk/start';
import { driveRollout } from '../../src/local/drive';
import { ACTIVITIES, ROLLOUT_ORCHESTRATOR } from '../../src/rollout/names';
import { IGNORE_FILE, packagedFiles, productionPackages, readIgnoreFile, STAGE_DIR } from '../../tools/package/stage';
import { APPROVER, OPERATOR, START } from '../rollout/harness';

/**
 * The deployment path of azure.yaml, reproduced from a clean copy of the repository (the files git tracks, plus new
 * ones not ignored): azd's restore (the installed node_modules stands in for `npm install`), `npm run build` (which
 * bundles and stages .deploy/), then the zip step, which applies the package's `.funcignore` as the tools do. The
 * package is then moved away from every other node_modules and its `main` runs a whole rollout on the local host with
 * only the packages it carries; the lazily loaded ones must resolve inside it.
 *
 * It replaces a test of the bundle alone: the package's main is that bundle, built by the same script.
 *
 * The clean copy is given the repository's compiled dist/ (with tsc's incremental state) as a build cache, so that the
 * build's `tsc` step only checks instead of compiling everything again: a cold compile alone takes most of a minute on
 * a loaded two-core machine.
 */

const REPO_ROOT = resolve(__dirname, '../../..');
const MAX_STEPS = 50;
/** What the package must hold besides node_modules: the Functions host reads host.json and package.json `main`. */
const PROJECT_FILES = ['build/functions.js', 'host.json', 'package.json'];

jest.setTimeout(240_000);

let work: string;
let pkg: string;
let buildSeconds = 0;
let host: LocalHost | undefined;
let tenant: EmulatedTenant | undefined;

function cleanCopy(to: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  for (const file of listed.split('\0').filter(Boolean)) {
    // A tracked file deleted in the working tree is not part of the next commit either.
    if (!existsSync(join(REPO_ROOT, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(to, file));
  }
}

/** The files of the zip azd makes of the package, and those of the staged folder the zip leaves out. */
let zipped: string[] = [];
let leftOut: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'package-test-'));
  const clone = join(work, 'clone');
  cleanCopy(clone);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  cpSync(join(REPO_ROOT, 'dist'), join(clone, 'dist'), { recursive: true });

  const started = Date.now();
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: clone, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  buildSeconds = (Date.now() - started) / 1000;
  if (built.status !== 0) throw new Error(`npm run build failed in the clean copy:\n${built.stdout}\n${built.stderr}`);

  // Away from the clone's node_modules, so that nothing outside the package can answer a require.
  pkg = join(work, 'package');
  renameSync(join(clone, STAGE_DIR), pkg);
  rmSync(clone, { recursive: true, force: true });

  // The zip step: what the package's .funcignore leaves out (and .funcignore itself) is not deployed, so it is removed
  // here before anything runs from the package.
  const rules = readIgnoreFile(pkg);
  if (!rules) throw new Error(`the staged package has no ${IGNORE_FILE}, which azd reads at the root of the folder it zips`);
  zipped = packagedFiles(pkg, rules);
  const kept = new Set(zipped);
  leftOut = packagedFiles(pkg, null).filter((f) => !kept.has(f));
  for (const file of [...leftOut, IGNORE_FILE]) rmSync(join(pkg, file), { force: true });
});

afterAll(async () => {
  await host?.stop();
  await tenant?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function twoRingPlan(): RolloutPlan {
  const checked = validatePlan({
    feature: 'displayAppInformation',
    rings: [
      { name: 'pilot', target: DEMO.groups.pilot, soak: 'P1D', approval: true },
      { name: 'everyone', target: ALL_USERS, soak: 'PT12H' },
    ],
    health: { maxFailureRate: 0.25, minSignIns: 10, interval: 'P1D' },
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.plan;
}

describe('the deployment package built from a clean copy', () => {
  it('is built by npm run build', () => {
    console.log(`npm run build in the clean copy: ${buildSeconds.toFixed(1)} s`);
    expect(existsSync(pkg)).toBe(true);
  });

  it('loses nothing in the zip step: its .funcignore, applied as the tools apply it, leaves every file in', () => {
    expect(zipped.length).toBeGreaterThan(1000);
    expect(leftOut.slice(0, 10)).toEqual([]);
  });

  it('holds the bundle, host.json and package.json, and no source, test or infrastructure file', () => {
    const project = zipped.filter((f) => !f.startsWith('node_modules/'));
    expect(project).toEqual(PROJECT_FILES);
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { main?: string };
    expect(manifest.main).toBe('build/functions.js');
  });

  it('carries exactly the production packages of package-lock.json, no devDependency', () => {
    const lock = readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8');
    const production = new Set(productionPackages(lock).map((p) => p.path));
    const shipped = new Set<string>();
    const walk = (dir: string, prefix: string): void => {
      for (const name of readdirSync(join(pkg, dir))) {
        if (name.startsWith('@')) walk(join(dir, name), `${prefix}${name}/`);
        else if (name !== '.bin') shipped.add(`${dir.split(sep).join('/')}/${name}`);
      }
    };
    walk('node_modules', '');
    const unexpected = [...shipped].filter((p) => !production.has(p));
    expect(unexpected).toEqual([]);
    for (const dev of ['typescript', 'jest', 'esbuild', 'eslint', 'fast-check', 'ignore']) expect(shipped.has(`node_modules/${dev}`)).toBe(false);
  });

  it('resolves and loads every package the bundle leaves external from inside the package itself', () => {
    const main = join(pkg, 'build/functions.js');
    const fromMain = createRequire(main);
    const externals = buildScript(REPO_ROOT)
      .options.filter((o) => o.startsWith('--external:'))
      .map((o) => o.slice('--external:'.length))
      .filter((name) => name !== '@azure/functions-core');
    expect(externals).toEqual(expect.arrayContaining(['@azure/identity', 'applicationinsights', '@microsoft/microsoft-graph-client']));
    for (const name of externals) {
      expect(fromMain.resolve(name).startsWith(`${pkg}${sep}node_modules${sep}`)).toBe(true);
      expect(() => fromMain(name) as unknown).not.toThrow();
    }
  });

  it('registers every function and runs a whole rollout from package.json main, with only the packages it carries', async () => {
    host = await startLocalHost({ bundle: join(pkg, 'build/functions.js'), clock: { virtualStart: START }, stateDir: join(work, 'state') });
    const localHost = host;
    tenant = await startEmulatedTenant({ shape: 'featureSettings', now: () => localHost.clock.now(), reportsThrottle: false });
    // The bundle configures its services from the app settings, read once by its first activity, as in Azure.
    Object.assign(process.env, { GRAPH_BASE_URL: tenant.url, IDENTITY_ENDPOINT: tenant.identityEndpoint, IDENTITY_HEADER: tenant.identityHeader });
    const names = host.registry.list().map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining([ROLLOUT_ORCHESTRATOR, ...Object.values(ACTIVITIES), 'teamsWebhook']));
    const started = await startRollout(host.client(), twoRingPlan(), OPERATOR, { lockWaitMs: 10_000, pollMs: 10 });
    if (started.kind !== 'started') throw new Error(`refused: ${started.activeRolloutId} is active`);
    const status = await driveRollout(host, host.client(), started.id, { onApproval: () => ({ action: 'approve', actor: APPROVER }), maxSteps: MAX_STEPS });
    expect({ status: status.status, message: status.message }).toEqual({ status: 'Completed', message: 'Completed: displayAppInformation is enabled for all_users' });
    expect(featureStatus(tenant.control.config(), 'displayAppInformation').enabledTarget).toBe(ALL_USERS);
  });
});

describe('the project .funcignore', () => {
  const rules = readIgnoreFile(REPO_ROOT);

  it('anchors every pattern at the project root', () => {
    const patterns = readFileSync(join(REPO_ROOT, '.funcignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(patterns.filter((p) => !p.replace(/^!/, '').startsWith('/'))).toEqual([]);
  });

  it('matches nothing inside node_modules, whose packages have dist/, src/ and *.ts files of their own', () => {
    for (const path of ['node_modules/@azure/identity/dist/commonjs/index.js', 'node_modules/applicationinsights/out/src/index.js', 'node_modules/x/src/a.ts', 'node_modules/x/test/']) {
      expect({ path, ignored: rules?.ignores(path) }).toEqual({ path, ignored: false });
    }
  });

  it('does not leave out node_modules, which azd would then build remotely (and refuses with remoteBuild: false)', () => {
    expect(rules?.ignores('node_modules/')).toBe(false);
    expect(readFileSync(join(REPO_ROOT, 'azure.yaml'), 'utf8')).toMatch(/\n {4}dist: \.deploy\n {4}remoteBuild: false\n/);
  });
});
