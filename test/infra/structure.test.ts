import { objectProperty, resourcesOfType, secureParameters, topLevelEntries } from './bicep-text';
import {
  bicepAppSettings,
  bicepFiles,
  documentedPermissions,
  keyVaultSecretNames,
  telemetryVocabulary,
  workbookQueries,
} from './infra-model';
import { listRepoFiles, readRepoFile } from './repo-files';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

describe('Key Vault references', () => {
  const settings = bicepAppSettings();
  const references = [...settings].filter(([, value]) => value.includes('@Microsoft.KeyVault('));

  it('are used for the Teams webhook token and the Workflows URL, which are never in app settings in clear', () => {
    expect(references.map(([name]) => name).sort()).toEqual(['TEAMS_NOTIFY_URL', 'TEAMS_OUTGOING_WEBHOOK_SECRET']);
  });

  it('each point, by SecretUri, at a secret the Key Vault module defines', () => {
    const defined = keyVaultSecretNames();
    const dangling = references.filter(([, value]) => {
      const secret = /@Microsoft\.KeyVault\(SecretUri=[^)]*[/}]secrets\/([A-Za-z0-9-]+)\/?\)/.exec(value)?.[1];
      return secret === undefined || !defined.has(secret);
    });
    expect(defined.size).toBeGreaterThanOrEqual(2);
    expect(dangling).toEqual([]);
  });

  it('cover every Key Vault reference anywhere in infra, not only in app settings', () => {
    const all = bicepFiles().flatMap((f) => [...f.text.matchAll(/@Microsoft\.KeyVault\(([^)']*)\)/g)].map((m) => m[1] as string));
    const defined = keyVaultSecretNames();
    expect(all.filter((inner) => !defined.has(/[/}]secrets\/([A-Za-z0-9-]+)/.exec(inner)?.[1] ?? ''))).toEqual([]);
  });

  it('take the secret values only from @secure() parameters', () => {
    expect([...secureParameters(readRepoFile('infra/main.bicep'))]).toEqual(
      expect.arrayContaining(['teamsOutgoingWebhookSecret', 'teamsNotifyUrl']),
    );
    expect([...secureParameters(readRepoFile('infra/app/keyvault.bicep'))]).toEqual(
      expect.arrayContaining(['teamsOutgoingWebhookSecret', 'teamsNotifyUrl']),
    );
  });

  it('are resolved by the user-assigned identity, which may read secrets in an RBAC-mode vault', () => {
    const [site] = resourcesOfType(readRepoFile('infra/app/api.bicep'), 'Microsoft.Web/sites');
    expect(topLevelEntries(objectProperty(site!.body, 'properties') ?? '{}')).toContainEqual({ key: 'keyVaultReferenceIdentity', value: 'identityId' });
    const vault = readRepoFile('infra/app/keyvault.bicep');
    expect(vault).toMatch(/enableRbacAuthorization: true/);
    expect(vault).toContain("secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'");
  });
});

describe('storage access', () => {
  const infraText = listRepoFiles('infra', ['.bicep', '.json', '.md'])
    .concat(['azure.yaml', 'local.settings.example.json'])
    .map((path) => ({ path, text: readRepoFile(path) }));

  it('uses no account key or key-based connection string anywhere in infra', () => {
    const offending = infraText.filter(({ text }) => /AccountKey=|listKeys\(|\.listKeys\b|DefaultEndpointsProtocol=/i.test(text));
    expect(offending.map((f) => f.path)).toEqual([]);
  });

  it('disables shared keys on the account and connects the host with its managed identity', () => {
    expect(readRepoFile('infra/app/storage.bicep')).toMatch(/allowSharedKeyAccess: false/);
    const settings = bicepAppSettings();
    expect(settings.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(settings.get('AzureWebJobsStorage__clientId')).toBe('identityClientId');
    for (const service of ['blob', 'queue', 'table']) expect(settings.has(`AzureWebJobsStorage__${service}ServiceUri`)).toBe(true);
  });

  it('grants the identity blob, queue and table data roles, which Durable Functions needs', () => {
    const storage = readRepoFile('infra/app/storage.bicep');
    for (const role of ['b7e6dc6d-f1e8-4753-8033-0f276bb0955b', '974c5e8b-45b9-4653-ba55-5f855dd0fb88', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3']) {
      expect(storage).toContain(role);
    }
    expect(storage).toMatch(/for role in dataRoles: \{[\s\S]*principalId: identityPrincipalId/);
  });
});

describe('the Function App', () => {
  const api = readRepoFile('infra/app/api.bicep');
  const [site] = resourcesOfType(api, 'Microsoft.Web/sites');
  const settings = bicepAppSettings();

  it('runs only as the user-assigned identity', () => {
    const identity = objectProperty(site!.body, 'identity') ?? '';
    expect(identity).toMatch(/type: 'UserAssigned'/);
    expect(identity).toContain("'${identityId}': {}");
    expect(bicepFiles().filter((f) => /SystemAssigned/.test(f.text)).map((f) => f.path)).toEqual([]);
  });

  it('is given the identity created by the identity module', () => {
    const main = readRepoFile('infra/main.bicep');
    expect(main).toMatch(/identityId: identity\.outputs\.id\n/);
    expect(main).toMatch(/identityClientId: identity\.outputs\.clientId\n/);
  });

  it('uses that identity for Graph, telemetry ingestion and the deployment container', () => {
    expect(settings.get('AZURE_CLIENT_ID')).toBe('identityClientId');
    expect(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe("'ClientId=${identityClientId};Authorization=AAD'");
    expect(site!.body).toMatch(/authentication: \{\s*type: 'UserAssignedIdentity'\s*userAssignedIdentityResourceId: identityId\s*\}/);
    expect(readRepoFile('infra/app/monitoring.bicep')).toMatch(/DisableLocalAuth: true/);
  });

  it('is on Flex Consumption with the Node 22 runtime', () => {
    const [plan] = resourcesOfType(api, 'Microsoft.Web/serverfarms');
    expect(plan!.body).toMatch(/tier: 'FlexConsumption'\s*name: 'FC1'/);
    expect(site!.body).toMatch(/runtime: \{\s*name: 'node'\s*version: '22'\s*\}/);
    expect(site!.body).toMatch(/scaleAndConcurrency: \{/);
  });

  it('is the service azd deploys', () => {
    expect(site!.body).toContain("'azd-service-name': 'api'");
    const azure = readRepoFile('azure.yaml');
    expect(azure).toMatch(/services:\n\s+api:\n\s+project: \.\n\s+language: ts\n\s+host: function/);
    expect(readRepoFile('infra/main.bicep')).toMatch(/^output AZURE_FUNCTION_APP_NAME string = /m);
  });
});

describe('Microsoft Graph application permissions', () => {
  const graph = readRepoFile('infra/app/graph-permissions.bicep');
  const granted = JSON.parse(readRepoFile('infra/graph-permissions.json')) as string[];

  it('are exactly the permissions documented as granted in infra/PERMISSIONS.md', () => {
    expect(granted.length).toBeGreaterThan(0);
    expect([...granted].sort()).toEqual(documentedPermissions('### Granted').sort());
  });

  it('include none of the permissions documented as considered and not granted', () => {
    const rejected = documentedPermissions('### Considered and not granted');
    expect(rejected).toEqual(expect.arrayContaining(['Policy.Read.All', 'Reports.Read.All']));
    expect(granted.filter((p) => rejected.includes(p))).toEqual([]);
  });

  it('include what the rollout cannot work without', () => {
    expect(granted).toEqual(expect.arrayContaining(['Policy.ReadWrite.AuthenticationMethod', 'GroupMember.Read.All', 'AuditLog.Read.All']));
  });

  it('are assigned to the identity on the Microsoft Graph service principal, each app role found by name', () => {
    expect(graph).toMatch(/^extension microsoftGraphV1$/m);
    expect(graph).toMatch(/'Microsoft\.Graph\/servicePrincipals@v1\.0' existing = \{\s*appId: microsoftGraphAppId\s*\}/);
    const [grants] = resourcesOfType(graph, 'Microsoft.Graph/appRoleAssignedTo');
    expect(grants!.body).toMatch(/principalId: identityPrincipalId/);
    expect(grants!.body).toMatch(/appRoleId: filter\(microsoftGraph\.appRoles, appRole => appRole\.value == role\)\[0\]\.id/);
    expect([...graph.matchAll(GUID)].map((m) => m[0].toLowerCase())).toEqual([MICROSOFT_GRAPH_APP_ID]);
  });

  it('are one list, granted by the postprovision hook (retrying while the identity replicates) or, on request, by Bicep', () => {
    expect(graph).toContain("var graphAppRoles = loadJsonContent('../graph-permissions.json')");
    expect(readRepoFile('infra/hooks/grant-graph-permissions.mjs')).toContain("new URL('../graph-permissions.json', import.meta.url)");
    expect(readRepoFile('azure.yaml')).toMatch(/postprovision:\n\s+posix:\n\s+shell: sh\n\s+run: node infra\/hooks\/grant-graph-permissions\.mjs/);
    expect(readRepoFile('infra/main.bicep')).toMatch(/^param grantGraphPermissionsInBicep bool = false$/m);
  });

  it('are the ones the manual commands of PERMISSIONS.md and the real-tenant guide grant or name', () => {
    const manual = readRepoFile('infra/PERMISSIONS.md');
    const cli = /for PERMISSION in ([^;]+);/.exec(manual)?.[1]?.trim().split(/\s+/) ?? [];
    const powershell = [...(/foreach \(\$permission in ([^)]+)\)/.exec(manual)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(cli).toEqual(granted);
    expect(powershell).toEqual(granted);
    const guide = readRepoFile('docs/real-tenant.md');
    expect(granted.filter((p) => !guide.includes(`\`${p}\``))).toEqual([]);
  });

  it('come from the registry extension configured next to the templates', () => {
    const config: unknown = JSON.parse(readRepoFile('infra/bicepconfig.json'));
    expect(config).toMatchObject({ extensions: { microsoftGraphV1: expect.stringMatching(/^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:/) } });
  });

  it('are explained in infra/README.md through PERMISSIONS.md', () => {
    expect(readRepoFile('infra/README.md')).toContain('PERMISSIONS.md');
  });
});

describe('the workbook', () => {
  const queries = workbookQueries();
  const vocabulary = telemetryVocabulary();
  const known = new Set([...vocabulary.events, ...vocabulary.metrics]);
  const namesIn = (query: string): string[] => [...query.matchAll(/'([A-Z][A-Za-z]*\.[A-Z][A-Za-z]*)'/g)].map((m) => m[1] as string);

  it('has queries over events, metrics and dependencies', () => {
    const text = queries.map((q) => q.query).join('\n');
    for (const table of ['customEvents', 'customMetrics', 'dependencies']) expect(text).toMatch(new RegExp(`^${table}$|^\\s*let \\w+ = ${table}$`, 'm'));
  });

  it('mentions only event and metric names the telemetry code emits', () => {
    const unknown = queries.flatMap((q) => namesIn(q.query).filter((name) => !known.has(name)).map((name) => `${q.name}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('shows every event the telemetry code can emit', () => {
    const shown = new Set(queries.flatMap((q) => namesIn(q.query)));
    expect(vocabulary.events.filter((name) => !shown.has(name))).toEqual([]);
  });

  it('reads only the documented custom dimensions', () => {
    const dimensions = new Set(queries.flatMap((q) => [...q.query.matchAll(/customDimensions\.(\w+)/g)].map((m) => m[1] as string)));
    expect([...dimensions].filter((d) => !['rolloutId', 'feature', 'ring', 'target', 'actor', 'reason', 'state'].includes(d))).toEqual([]);
  });

  it('has one section per concern: timeline, health per ring, approvals, rollbacks', () => {
    expect(queries.map((q) => q.name)).toEqual(expect.arrayContaining(['timeline', 'health-rate', 'health-checks', 'approvals', 'rollbacks']));
  });

  it('is deployed from Bicep as the workbook file itself', () => {
    const [workbook] = resourcesOfType(readRepoFile('infra/app/workbook.bicep'), 'Microsoft.Insights/workbooks');
    expect(workbook!.body).toContain("loadJsonContent('../workbook.json')");
  });

  it('has the same queries in infra/KQL.md, with the workbook parameters filled in', () => {
    const kql = readRepoFile('infra/KQL.md');
    const blocks = [...kql.matchAll(/```kusto\n([\s\S]*?)\n```/g)].map((m) => m[1] as string);
    const expected = queries.map((q) => q.query.replaceAll('{TimeRange}', '> ago(7d)').replaceAll('{RolloutId}', ''));
    expect(blocks).toEqual(expected);
  });
});
