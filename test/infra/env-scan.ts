/**
 * Finds the settings (environment variables) TypeScript source reads: `process.env.NAME`, `env.NAME`, `env?.NAME`,
 * `env['NAME']` and `const { NAME } = process.env`. Only upper-case names count: settings are named that way, and
 * `env.someOption` on an unrelated object is not a setting. Comments are ignored.
 */
export function settingsReadIn(source: string): Set<string> {
  const code = withoutComments(source);
  const names = new Set<string>();
  for (const match of code.matchAll(/\benv\??\.([A-Z_][A-Z0-9_]*)\b/g)) names.add(match[1] as string);
  for (const match of code.matchAll(/\benv\??\.?\[\s*['"`]([A-Z_][A-Z0-9_]*)['"`]\s*\]/g)) names.add(match[1] as string);
  for (const match of code.matchAll(/\{([^{}]*)\}\s*=\s*(?:process\.)?env\b/g)) {
    for (const part of (match[1] as string).split(',')) {
      const name = /^\s*([A-Z_][A-Z0-9_]*)\b/.exec(part)?.[1];
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}

/** Every setting read by any of the files, with the files that read it. */
export function settingsReadBy(files: ReadonlyArray<{ path: string; source: string }>): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const file of files) {
    for (const name of settingsReadIn(file.source)) readers.set(name, [...(readers.get(name) ?? []), file.path]);
  }
  return readers;
}

/** Drops block and line comments; a `//` right after `:` is a URL, not a comment. */
export function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}
