import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * The deployment package, built locally: `npm run build` ends by staging `.deploy/`, which azure.yaml names as the
 * service's `dist` and azd zips as it is (`remoteBuild: false`, so nothing runs npm on the Function App).
 *
 * - The project's files are copied as `.funcignore` leaves them, read with gitignore semantics, as azd and Core Tools
 *   read it; `.funcignore` itself is copied too, because azd applies the one at the root of the folder it zips.
 * - `node_modules` is not copied from the project (azd's restore installed devDependencies there too). It is the
 *   production closure of package-lock.json instead, exactly the packages `npm ci --omit=dev` installs, copied from
 *   the installed tree, so the package carries the very versions the tests ran and building needs no network.
 */

export const STAGE_DIR = '.deploy';
export const IGNORE_FILE = '.funcignore';

/** What azd's zip step leaves out whatever the ignore file says (its own files and the local secrets). */
const ALWAYS_LEFT_OUT = new Set([IGNORE_FILE, 'local.settings.json', '.azure']);

/** The ignore file's rules; `null` when there is none, as for the tools (then nothing is left out by it). */
export function readIgnoreFile(dir: string): Ignore | null {
  const path = join(dir, IGNORE_FILE);
  if (!existsSync(path)) return null;
  // A UTF-8 byte order mark would become part of the first pattern; azd strips it too.
  return ignore().add(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
}

/**
 * Every file under `root` that a zip of `root` made by the tools holds: `.funcignore` applied with gitignore semantics
 * (a directory that is left out is not entered, so nothing under it can come back), paths relative with `/`.
 * `skip` names top-level entries to leave out as well.
 */
export function packagedFiles(root: string, rules: Ignore | null, skip: ReadonlySet<string> = new Set()): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      if (dir === root && skip.has(entry.name)) continue;
      // Symbolic links are followed, as azd's zip does.
      const isDir = entry.isSymbolicLink() ? statSync(path).isDirectory() : entry.isDirectory();
      if (ALWAYS_LEFT_OUT.has(entry.name)) continue;
      if (rules?.ignores(isDir ? `${rel}/` : rel)) continue;
      if (isDir) walk(path);
      else files.push(rel);
    }
  };
  walk(root);
  return files;
}

interface LockPackage {
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
}

/**
 * The `node_modules/...` folders `npm ci --omit=dev` installs: every package-lock v2/v3 entry not marked `dev`
 * (`devOptional` entries are optional for production and installed, like npm does). Optional packages for other
 * platforms are in the lock but not installed; the caller skips those that are absent.
 */
export function productionPackages(lockText: string): Array<{ path: string; optional: boolean }> {
  const lock = JSON.parse(lockText) as { lockfileVersion?: number; packages?: Record<string, LockPackage> };
  if (!lock.packages || (lock.lockfileVersion ?? 0) < 2) throw new Error('package-lock.json must be lockfileVersion 2 or 3 (npm 7 or later)');
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.link)
    .map(([path, entry]) => ({ path, optional: entry.optional === true }));
}

/**
 * Hard-links a file where it can (the package is only read, then zipped; a copy of the 300 MB of production packages
 * takes minutes on a slow disk), and copies it across file systems.
 */
function place(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** Places one installed package without its nested node_modules (those are lock entries of their own). */
function copyPackage(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) copyPackage(source, target);
    else if (entry.isFile() || (entry.isSymbolicLink() && statSync(source).isFile())) place(source, target);
  }
}

export interface StageResult {
  dir: string;
  files: number;
  packages: number;
}

/** Writes the deployment package of the project at `root` into `root/.deploy` (emptied first). */
export function stagePackage(root: string): StageResult {
  const out = join(root, STAGE_DIR);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const rules = readIgnoreFile(root);
  const files = packagedFiles(root, rules, new Set([STAGE_DIR, 'node_modules', '.git']));
  for (const file of files) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    copyFileSync(join(root, file), join(out, file));
  }
  if (existsSync(join(root, IGNORE_FILE))) copyFileSync(join(root, IGNORE_FILE), join(out, IGNORE_FILE));

  let packages = 0;
  for (const { path, optional } of productionPackages(readFileSync(join(root, 'package-lock.json'), 'utf8'))) {
    const installed = join(root, path);
    if (!existsSync(installed)) {
      if (optional) continue;
      throw new Error(`${path} is a production dependency in package-lock.json but is not installed; run npm ci first`);
    }
    copyPackage(installed, join(out, path));
    packages++;
  }
  return { dir: out, files: files.length, packages };
}

if (require.main === module) {
  const root = resolve(process.argv[2] ?? process.cwd());
  const staged = stagePackage(root);
  console.log(`deployment package: ${relative(process.cwd(), staged.dir) || '.'} (${staged.files} project files, ${staged.packages} production packages)`);
}
