import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * The repository root, found from this file whether it runs compiled (dist-<x>/test/infra) or from source
 * (test/infra): the nearest ancestor holding both package.json and infra/.
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (let level = 0; level < 6; level++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'infra'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`no repository root (package.json next to infra/) above ${from}`);
}

export function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot(), path), 'utf8');
}

/** Repository-relative paths (forward slashes) of the files under `folder` whose name ends with one of `extensions`. */
export function listRepoFiles(folder: string, extensions: readonly string[]): string[] {
  const root = repoRoot();
  const start = join(root, folder);
  if (!existsSync(start)) return [];
  const found: string[] = [];
  const pending = [start];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (extensions.some((ext) => entry.name.endsWith(ext))) found.push(relative(root, path).split(sep).join('/'));
    }
  }
  return found.sort();
}
