import { ROLES } from '../../src/api/principal';
import { objectProperty, resourcesOfType, topLevelEntries } from './bicep-text';
import { bicepAppSettings } from './infra-model';
import { readRepoFile } from './repo-files';

/**
 * What the deployment promises about who may do what, read from the Bicep text (no Bicep compiler runs here): the app
 * registration's roles are the ones the code checks, App Service Authentication guards every route but the Teams
 * webhook (which the code guards with its HMAC check), and the app is told that authentication is on.
 */

const api = readRepoFile('infra/app/api.bicep');
const registration = readRepoFile('infra/app/registration.bicep');
const main = readRepoFile('infra/main.bicep');

describe('the app registration', () => {
  const [application] = resourcesOfType(registration, 'Microsoft.Graph/applications');

  it('is declared with the Microsoft Graph Bicep extension', () => {
    expect(registration).toMatch(/^extension microsoftGraphV1$/m);
    expect(application).toBeDefined();
    expect(application!.body).toMatch(/uniqueName: uniqueName/);
  });

  it('defines exactly the app roles the code checks, each enabled and assignable to users (and groups)', () => {
    const roles = [...application!.body.matchAll(/value: '(Rollout\.[A-Za-z]+)'/g)].map((m) => m[1]);
    expect(roles.sort()).toEqual([ROLES.approver, ROLES.operator].sort());
    const appRoles = application!.body.slice(application!.body.indexOf('appRoles:'));
    expect(appRoles.match(/isEnabled: true/g)).toHaveLength(2);
    expect(appRoles.match(/allowedMemberTypes: \[\s*'User'/g)).toHaveLength(2);
  });

  it('lets only people holding a role get a token for the API', () => {
    const [servicePrincipal] = resourcesOfType(registration, 'Microsoft.Graph/servicePrincipals');
    expect(servicePrincipal!.body).toMatch(/appId: registration\.appId/);
    expect(servicePrincipal!.body).toMatch(/appRoleAssignmentRequired: true/);
  });

  it('is the audience the Function App accepts', () => {
    expect(main).toMatch(/authClientId: registration\.outputs\.clientId/);
    expect(main).toMatch(/authIdentifierUri: registration\.outputs\.identifierUri/);
  });
});

describe('App Service Authentication on the Function App', () => {
  const [auth] = resourcesOfType(api, 'Microsoft.Web/sites/config').filter((r) => /name: 'authsettingsV2'/.test(r.body));
  const properties = objectProperty(auth?.body ?? '{}', 'properties') ?? '{}';

  it('is an authsettingsV2 configuration of the Function App', () => {
    expect(auth).toBeDefined();
    expect(topLevelEntries(auth!.body)).toContainEqual({ key: 'parent', value: 'functionApp' });
    expect(objectProperty(properties, 'platform')).toMatch(/enabled: true/);
  });

  it('requires a signed-in caller and answers 401 otherwise, as an API should (no redirect to a sign-in page)', () => {
    const validation = objectProperty(properties, 'globalValidation') ?? '';
    expect(validation).toMatch(/requireAuthentication: true/);
    expect(validation).toMatch(/unauthenticatedClientAction: 'Return401'/);
  });

  it('signs in with Microsoft Entra ID against this tenant, for the registration created with it', () => {
    const entra = objectProperty(objectProperty(properties, 'identityProviders') ?? '{}', 'azureActiveDirectory') ?? '';
    expect(entra).toMatch(/enabled: true/);
    expect(entra).toMatch(/clientId: authClientId/);
    expect(entra).toContain("openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'");
    expect(entra).toMatch(/allowedAudiences: \[\s*authClientId\s*authIdentifierUri\s*\]/);
  });

  it('leaves out exactly the Teams webhook route, which carries an HMAC signature instead of a token', () => {
    const validation = objectProperty(properties, 'globalValidation') ?? '';
    const excluded = [...(/excludedPaths: \[([^\]]*)\]/.exec(validation)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
    const route = /route: '([^']+)'/.exec(readRepoFile('functions/teams-webhook.ts'))?.[1];
    expect(route).toBe('teams/webhook');
    expect(excluded).toEqual([`/api/${route}`]);
  });

  it('is announced to the code, which then refuses callers without a principal (ROLLOUT_REQUIRE_AUTH)', () => {
    expect(bicepAppSettings().get('ROLLOUT_REQUIRE_AUTH')).toBe("'true'");
  });
});

describe('the rest of what a first azd up needs', () => {
  it('runs Node 22 on Flex Consumption, while package.json engines accept Node 20 for CI and 22 for Azure', () => {
    const [site] = resourcesOfType(api, 'Microsoft.Web/sites');
    expect(site!.body).toMatch(/runtime: \{\s*name: 'node'\s*version: '22'\s*\}/);
    const pkg = JSON.parse(readRepoFile('package.json')) as { engines?: { node?: string }; scripts?: Record<string, string> };
    expect(pkg.engines?.node).toBe('^20.19.0 || >=22.12.0');
    // The bundle's syntax target is the oldest runtime it must load on.
    expect(pkg.scripts?.build).toContain('--target=node20');
  });

  it('points the workbook at the Application Insights component when it is opened from the gallery', () => {
    const [workbook] = resourcesOfType(readRepoFile('infra/app/workbook.bicep'), 'Microsoft.Insights/workbooks');
    expect(workbook!.body).toContain("string(union(loadJsonContent('../workbook.json'), { fallbackResourceIds: [applicationInsightsId] }))");
    expect(main).toMatch(/applicationInsightsId: monitoring\.outputs\.applicationInsightsId/);
    expect(readRepoFile('infra/app/monitoring.bicep')).toMatch(/^output applicationInsightsId string = applicationInsights\.id$/m);
  });

  it('recovers the Key Vault that an azd down without --purge left soft-deleted, instead of failing on its name', () => {
    const vault = readRepoFile('infra/app/keyvault.bicep');
    expect(vault).toMatch(/createMode: createMode/);
    expect(main).toMatch(/createMode: keyVaultCreateMode/);
    expect(readRepoFile('infra/main.parameters.json')).toContain('"keyVaultCreateMode": { "value": "${AZURE_KEY_VAULT_CREATE_MODE=default}" }');
    expect(readRepoFile('infra/hooks/key-vault-mode.mjs')).toContain("['env', 'set', 'AZURE_KEY_VAULT_CREATE_MODE', mode]");
    expect(readRepoFile('azure.yaml')).toMatch(/preprovision:\n\s+posix:\n\s+shell: sh\n\s+run: node infra\/hooks\/key-vault-mode\.mjs/);
    // Purge protection would make `azd down --purge` unable to remove the vault.
    expect(vault).not.toMatch(/enablePurgeProtection: true/);
  });
});
