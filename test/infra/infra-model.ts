import { objectProperty, resourcesOfType, topLevelEntries } from './bicep-text';
import { listRepoFiles, readRepoFile } from './repo-files';

/** What the infrastructure files declare, read from the repository as they are now. */

export interface BicepFile {
  path: string;
  text: string;
}

export function bicepFiles(): BicepFile[] {
  return listRepoFiles('infra', ['.bicep']).map((path) => ({ path, text: readRepoFile(path) }));
}

/** The Function App's app settings: the `properties` of every `Microsoft.Web/sites/config` named `appsettings`. */
export function bicepAppSettings(files: readonly BicepFile[] = bicepFiles()): Map<string, string> {
  const settings = new Map<string, string>();
  for (const file of files) {
    for (const config of resourcesOfType(file.text, 'Microsoft.Web/sites/config')) {
      const name = topLevelEntries(config.body).find((e) => e.key === 'name')?.value;
      if (name !== "'appsettings'") continue;
      for (const entry of topLevelEntries(objectProperty(config.body, 'properties') ?? '{}')) settings.set(entry.key, entry.value);
    }
  }
  return settings;
}

/** The `Values` of local.settings.example.json. */
export function localExampleSettings(): Map<string, unknown> {
  const parsed: unknown = JSON.parse(readRepoFile('local.settings.example.json'));
  if (!isRecord(parsed) || !isRecord(parsed.Values)) throw new Error('local.settings.example.json has no "Values" object');
  return new Map(Object.entries(parsed.Values));
}

/** Names of the secrets the Bicep files create in Key Vault (literal names only). */
export function keyVaultSecretNames(files: readonly BicepFile[] = bicepFiles()): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const secret of resourcesOfType(file.text, 'Microsoft.KeyVault/vaults/secrets')) {
      const name = /^'([^'$]+)'$/.exec(topLevelEntries(secret.body).find((e) => e.key === 'name')?.value ?? '')?.[1];
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}

/** The event and metric names the telemetry code can emit (the string unions in src/telemetry/types.ts). */
export function telemetryVocabulary(): { events: string[]; metrics: string[] } {
  const source = readRepoFile('src/telemetry/types.ts');
  const union = (typeName: string): string[] => {
    const match = new RegExp(`export type ${typeName}\\s*=([^;]*);`).exec(source);
    if (!match) throw new Error(`src/telemetry/types.ts no longer declares ${typeName}`);
    return [...(match[1] as string).matchAll(/'([^']+)'/g)].map((m) => m[1] as string);
  };
  return { events: union('RolloutEventName'), metrics: union('RolloutMetricName') };
}

export interface WorkbookQuery {
  name: string;
  query: string;
}

/** Every KQL query item of infra/workbook.json (groups included). Throws when the file is not a Notebook/1.0 workbook. */
export function workbookQueries(): WorkbookQuery[] {
  const workbook: unknown = JSON.parse(readRepoFile('infra/workbook.json'));
  if (!isRecord(workbook) || workbook.version !== 'Notebook/1.0' || !Array.isArray(workbook.items)) {
    throw new Error('infra/workbook.json is not a Notebook/1.0 workbook with items');
  }
  const queries: WorkbookQuery[] = [];
  const visit = (items: unknown[]): void => {
    for (const item of items) {
      if (!isRecord(item) || !isRecord(item.content)) continue;
      if (typeof item.content.query === 'string' && item.content.version === 'KqlItem/1.0') {
        queries.push({ name: typeof item.name === 'string' ? item.name : '(unnamed)', query: item.content.query });
      }
      if (Array.isArray(item.content.items)) visit(item.content.items);
    }
  };
  visit(workbook.items);
  return queries;
}

/** Backticked permission names in the first column of the table under `heading` in infra/PERMISSIONS.md. */
export function documentedPermissions(heading: string): string[] {
  const text = readRepoFile('infra/PERMISSIONS.md');
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`infra/PERMISSIONS.md has no "${heading}" section`);
  const section = text.slice(start + heading.length).split(/\n#{2,3} /)[0] as string;
  return [...section.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1] as string);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
