import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The esbuild arguments of the `build` script in package.json, so that the bench and the package test bundle exactly as
 * `npm run build` does and cannot drift from it.
 */
export interface BuildScript {
  entry: string;
  /** Every option except --outfile, in the script's order. */
  options: string[];
}

export function buildScript(repoRoot: string): BuildScript {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.build;
  if (!script) throw new Error('package.json has no "build" script.');
  const command = script.split('&&').map((part) => part.trim().split(/\s+/)).find((words) => words[0] === 'esbuild');
  if (!command) throw new Error(`The "build" script runs no esbuild command: ${script}`);
  const [entry, ...rest] = command.slice(1);
  if (!entry || entry.startsWith('--')) throw new Error(`The esbuild command of the "build" script names no entry first: ${command.join(' ')}`);
  return { entry, options: rest.filter((word) => !word.startsWith('--outfile=')) };
}

/** `npx esbuild` arguments that bundle `entry` (default: the build script's) into `outfile` as `npm run build` does. */
export function esbuildArgs(script: BuildScript, outfile: string, entry = script.entry): string[] {
  return ['esbuild', entry, ...script.options, `--outfile=${outfile}`];
}
