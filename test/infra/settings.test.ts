import { settingsReadBy } from './env-scan';
import { bicepAppSettings, localExampleSettings } from './infra-model';
import { listRepoFiles, readRepoFile } from './repo-files';

/** Set by the platform (App Service managed identity, host name) or by the shell, never by our deployment. */
const PLATFORM_SETTINGS = new Set(['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'WEBSITE_HOSTNAME', 'NODE_ENV', 'CI']);
/** Read by the CLI client from the operator's shell (which instance, which key or app id), never by the app. */
const CLIENT_SETTINGS = new Set(['ROLLOUT_URL', 'ROLLOUT_FUNCTION_KEY', 'ROLLOUT_APP_ID']);
/** Read only by the local host: they belong in local.settings.example.json and must not be deployed. */
const LOCAL_ONLY_SETTINGS = new Set(['PORT', 'ROLLOUT_STATE_DIR']);

function codeSettings(): Map<string, string[]> {
  const files = [...listRepoFiles('src', ['.ts']), ...listRepoFiles('functions', ['.ts'])]
    .filter((path) => !path.endsWith('.d.ts'))
    .map((path) => ({ path, source: readRepoFile(path) }));
  return settingsReadBy(files);
}

function describeMissing(missing: string[], readers: Map<string, string[]>): string {
  return missing.map((name) => `${name} (read in ${(readers.get(name) ?? []).join(', ')})`).join('; ');
}

describe('app settings the code reads', () => {
  const readers = codeSettings();
  const configurable = [...readers.keys()].filter((name) => !PLATFORM_SETTINGS.has(name) && !CLIENT_SETTINGS.has(name)).sort();

  it('finds the settings the code reads, so the checks below are not vacuous', () => {
    expect(configurable).toEqual(expect.arrayContaining(['GRAPH_BASE_URL', 'ROLLOUT_MIN_SOAK']));
  });

  it('are all deployed as Function App settings in the Bicep, except the local-only ones', () => {
    const deployed = bicepAppSettings();
    const missing = configurable.filter((name) => !LOCAL_ONLY_SETTINGS.has(name) && !deployed.has(name));
    expect(describeMissing(missing, readers)).toBe('');
  });

  it('are all in local.settings.example.json', () => {
    const local = localExampleSettings();
    const missing = configurable.filter((name) => !local.has(name));
    expect(describeMissing(missing, readers)).toBe('');
  });

  it('are all explained in the settings table of infra/README.md', () => {
    const readme = readRepoFile('infra/README.md');
    const missing = configurable.filter((name) => !new RegExp(`^\\| \`${name}\` \\|`, 'm').test(readme));
    expect(describeMissing(missing, readers)).toBe('');
  });
});

describe('deployed settings', () => {
  const deployed = bicepAppSettings();

  it('include the brief’s full list, whether or not code reading them exists yet', () => {
    const expected = [
      'GRAPH_BASE_URL',
      'GRAPH_API_VERSION',
      'AZURE_CLIENT_ID',
      'ROLLOUT_MIN_SOAK',
      'TEAMS_OUTGOING_WEBHOOK_SECRET',
      'TEAMS_NOTIFY_URL',
      'TEAMS_TENANT_ID',
      'ROLLOUT_APPROVER_IDS',
      'ROLLOUT_APPROVER_GROUP_ID',
      'ROLLOUT_ALLOW_SELF_APPROVAL',
      'ROLLOUT_STATUS_SCHEDULE',
      'ROLLOUT_DIGEST',
      'ROLLOUT_PUBLIC_BASE_URL',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      'AzureWebJobsStorage__credential',
      'AzureWebJobsStorage__clientId',
    ];
    expect(expected.filter((name) => !deployed.has(name))).toEqual([]);
  });

  it('never include the local-only settings', () => {
    expect([...LOCAL_ONLY_SETTINGS].filter((name) => deployed.has(name))).toEqual([]);
  });

  it('leave out what Flex Consumption refuses and what would bypass identity-based storage', () => {
    const refused = ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_NODE_DEFAULT_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'AzureWebJobsStorage'];
    expect(refused.filter((name) => deployed.has(name))).toEqual([]);
  });

  it('write booleans as the lower-case text the code compares with', () => {
    for (const name of ['ROLLOUT_ALLOW_SELF_APPROVAL', 'ROLLOUT_DIGEST']) {
      expect(deployed.get(name)).toMatch(/\? 'true' : 'false'$/);
    }
  });

  it('have the documented defaults in local.settings.example.json, in the Functions format for Azurite', () => {
    const local = localExampleSettings();
    expect(local.get('AzureWebJobsStorage')).toBe('UseDevelopmentStorage=true');
    expect(local.get('FUNCTIONS_WORKER_RUNTIME')).toBe('node');
    expect(local.get('ROLLOUT_MIN_SOAK')).toBe('PT15M');
    expect(local.get('ROLLOUT_STATUS_SCHEDULE')).toBe('0 */15 * * * *');
    expect(local.get('ROLLOUT_ALLOW_SELF_APPROVAL')).toBe('false');
    expect(local.get('GRAPH_API_VERSION')).toBe('');
    expect(local.get('GRAPH_REQUEST_TIMEOUT')).toBe('PT30S');
    for (const name of LOCAL_ONLY_SETTINGS) expect(local.has(name)).toBe(true);
    expect(JSON.parse(readRepoFile('local.settings.example.json'))).toHaveProperty('IsEncrypted', false);
  });

  it('carry no secret value in local.settings.example.json', () => {
    const local = localExampleSettings();
    expect(local.get('TEAMS_OUTGOING_WEBHOOK_SECRET')).toBe('');
    expect(local.get('TEAMS_NOTIFY_URL')).toBe('');
    expect(readRepoFile('local.settings.example.json')).not.toMatch(/AccountKey=|sig=|InstrumentationKey=/);
  });
});
