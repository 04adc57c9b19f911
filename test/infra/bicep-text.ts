import { withoutComments } from './env-scan';

/**
 * Just enough reading of Bicep text for structural checks (no Bicep compiler runs here): resource declarations with
 * their bodies, and the top-level entries of an object. `${...}` interpolations keep braces balanced, so counting
 * braces finds where a body ends.
 */

export interface BicepResource {
  symbol: string;
  /** e.g. `Microsoft.Web/sites/config@2024-04-01`. */
  type: string;
  existing: boolean;
  /** The object literal after `=` (and after a `for ...:` or `if (...)`), braces included. */
  body: string;
}

export function resources(bicep: string): BicepResource[] {
  const code = withoutComments(bicep);
  const found: BicepResource[] = [];
  for (const match of code.matchAll(/^resource\s+(\w+)\s+'([^']+)'\s*(existing\s*)?=/gm)) {
    const open = code.indexOf('{', (match.index ?? 0) + match[0].length);
    if (open < 0) continue;
    found.push({ symbol: match[1] as string, type: match[2] as string, existing: match[3] !== undefined, body: balanced(code, open) });
  }
  return found;
}

export function resourcesOfType(bicep: string, typePrefix: string): BicepResource[] {
  return resources(bicep).filter((r) => r.type.toLowerCase().startsWith(`${typePrefix.toLowerCase()}@`));
}

/** The object literal that is the value of `key` at the top level of `objectText` (braces included), if any. */
export function objectProperty(objectText: string, key: string): string | undefined {
  const entry = topLevelEntries(objectText).find((e) => e.key === key);
  return entry !== undefined && entry.value.startsWith('{') ? entry.value : undefined;
}

/** Top-level `key: value` entries of an object literal `{ ... }`; values are raw text, nested objects whole. */
export function topLevelEntries(objectText: string): Array<{ key: string; value: string }> {
  const inner = objectText.trim().replace(/^\{/, '').replace(/\}$/, '');
  const entries: Array<{ key: string; value: string }> = [];
  let depth = 0;
  let current = '';
  const flush = (): void => {
    const match = /^\s*'?([A-Za-z_$][\w$-]*)'?\s*:\s*([\s\S]*?)\s*$/.exec(current);
    if (match) entries.push({ key: match[1] as string, value: match[2] as string });
    current = '';
  };
  let inString = false;
  for (const char of inner) {
    if (char === "'") inString = !inString;
    if (!inString) {
      if (char === '{' || char === '[' || char === '(') depth++;
      if (char === '}' || char === ']' || char === ')') depth--;
      if (depth === 0 && (char === '\n' || char === ',')) {
        flush();
        continue;
      }
    }
    current += char;
  }
  flush();
  return entries;
}

/** Items of a Bicep array literal of single-quoted strings, e.g. the value of a `var names = [ 'a' 'b' ]`. */
export function stringArrayVariable(bicep: string, name: string): string[] | undefined {
  const code = withoutComments(bicep);
  const match = new RegExp(`^var\\s+${name}\\s*=\\s*\\[`, 'm').exec(code);
  if (!match) return undefined;
  const list = balanced(code, match.index + match[0].length - 1);
  return [...list.matchAll(/'([^']*)'/g)].map((m) => m[1] as string);
}

/** The parameters of a Bicep file declared right after `@secure()` (other decorators may sit in between). */
export function secureParameters(bicep: string): Set<string> {
  const names = new Set<string>();
  for (const match of withoutComments(bicep).matchAll(/@secure\(\)\s*(?:@\w+\([^\n]*\)\s*)*param\s+(\w+)/g)) names.add(match[1] as string);
  return names;
}

function balanced(text: string, open: number): string {
  const opener = text[open];
  const closer = opener === '[' ? ']' : '}';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closer) {
      depth--;
      if (depth === 0) return text.slice(open, i + 1);
    }
  }
  throw new Error(`unbalanced ${opener} at offset ${open}`);
}
