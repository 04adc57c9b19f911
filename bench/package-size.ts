import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildScript } from './build-script';

/**
 * What a deployment carries: the bundle (+ source map), and the production node_modules — all of them (`npm ls
 * --omit=dev`), and only the closure of the packages the bundle leaves external (what build/functions.js requires at
 * run time; @azure/functions-core is the worker's own). Sizes are file bytes, each package counted once and without
 * its nested node_modules (those are packages of their own in the list).
 */

export interface Footprint {
  packages: number;
  files: number;
  bytes: number;
}

export interface PackageSizeResult {
  bundleBytes: number;
  sourceMapBytes: number;
  production: Footprint;
  externalsClosure: Footprint & { externals: string[] };
}

/** Provided by the Functions worker in Azure, so never deployed. */
const WORKER_PROVIDED = '@azure/functions-core';

interface NpmNode {
  path?: string;
  dependencies?: Record<string, NpmNode>;
}

export function measurePackageSize(repoRoot: string): PackageSizeResult {
  const tree = JSON.parse(npm(repoRoot, ['ls', '--omit=dev', '--all', '--json', '--long'])) as NpmNode;
  const production = new Set<string>();
  collect(tree.dependencies ?? {}, production);
  const externals = buildScript(repoRoot)
    .options.filter((o) => o.startsWith('--external:'))
    .map((o) => o.slice('--external:'.length))
    .filter((name) => name !== WORKER_PROVIDED);
  const closure = new Set<string>();
  for (const name of externals) {
    const node = tree.dependencies?.[name];
    if (!node) throw new Error(`${name} is external to the bundle but not a production dependency`);
    collect({ [name]: node }, closure);
  }
  return {
    bundleBytes: statSync(join(repoRoot, 'build/functions.js')).size,
    sourceMapBytes: statSync(join(repoRoot, 'build/functions.js.map')).size,
    production: footprint(production),
    externalsClosure: { ...footprint(closure), externals },
  };
}

function npm(cwd: string, args: string[]): string {
  try {
    return execFileSync('npm', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // npm ls exits non-zero on peer-dependency complaints but still prints the tree.
    const stdout = (error as { stdout?: unknown }).stdout;
    if (typeof stdout === 'string' && stdout.trim().startsWith('{')) return stdout;
    throw error;
  }
}

function collect(dependencies: Record<string, NpmNode>, into: Set<string>): void {
  for (const node of Object.values(dependencies)) {
    if (!node.path || into.has(node.path)) continue;
    into.add(node.path);
    collect(node.dependencies ?? {}, into);
  }
}

function footprint(packageDirs: Set<string>): Footprint {
  let files = 0;
  let bytes = 0;
  for (const dir of packageDirs) {
    for (const file of filesOf(dir)) {
      files++;
      bytes += file;
    }
  }
  return { packages: packageDirs.size, files, bytes };
}

/** Sizes of the files of one package, not descending into its own node_modules. */
function filesOf(dir: string): number[] {
  const sizes: number[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') sizes.push(...filesOf(path));
    } else if (entry.isFile()) sizes.push(statSync(path).size);
  }
  return sizes;
}
