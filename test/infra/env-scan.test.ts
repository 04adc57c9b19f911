import { topLevelEntries, resources, secureParameters, stringArrayVariable } from './bicep-text';
import { settingsReadIn } from './env-scan';
import { repoRoot } from './repo-files';

describe('finding the settings a source file reads', () => {
  it('sees process.env.NAME, env.NAME, env?.NAME and env[\'NAME\']', () => {
    const source = [
      'const a = process.env.GRAPH_BASE_URL;',
      'const b = env.ROLLOUT_MIN_SOAK ?? "PT15M";',
      'const c = env?.TEAMS_TENANT_ID;',
      "const d = process.env['ROLLOUT_DIGEST'];",
      'const e = env["ROLLOUT_APPROVER_IDS"];',
    ].join('\n');
    expect([...settingsReadIn(source)].sort()).toEqual(['GRAPH_BASE_URL', 'ROLLOUT_APPROVER_IDS', 'ROLLOUT_DIGEST', 'ROLLOUT_MIN_SOAK', 'TEAMS_TENANT_ID']);
  });

  it('sees names destructured from the environment, renamed or defaulted', () => {
    const source = "const { PORT, ROLLOUT_STATE_DIR: stateDir = '.state' } = process.env;";
    expect([...settingsReadIn(source)].sort()).toEqual(['PORT', 'ROLLOUT_STATE_DIR']);
  });

  it('ignores comments and lower-case properties, but not code after a URL', () => {
    const source = [
      '// reads env.NOT_A_SETTING only in this comment',
      '/* and process.env.NEITHER here */',
      "const url = 'https://example.test'; const soak = env.ROLLOUT_MIN_SOAK;",
      'const x = options.env.port;',
    ].join('\n');
    expect([...settingsReadIn(source)]).toEqual(['ROLLOUT_MIN_SOAK']);
  });
});

describe('reading Bicep text', () => {
  const bicep = [
    "resource app 'Microsoft.Web/sites@2024-04-01' = {",
    "  name: 'x'",
    "  tags: union(tags, { 'azd-service-name': 'api' })",
    '  identity: {',
    "    type: 'UserAssigned'",
    '  }',
    '}',
    "resource roles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [",
    '  for role in list: {',
    '    name: role // the role',
    '  }',
    ']',
    'var names = [',
    "  'A.Read'",
    "  'B.Write' // second",
    ']',
    '@secure()',
    "@description('token')",
    'param token string',
    'param plain string',
  ].join('\n');

  it('finds resources with their types and bodies, loops included', () => {
    expect(resources(bicep).map((r) => [r.symbol, r.type])).toEqual([
      ['app', 'Microsoft.Web/sites@2024-04-01'],
      ['roles', 'Microsoft.Authorization/roleAssignments@2022-04-01'],
    ]);
  });

  it('splits an object into its top-level entries, nested objects whole', () => {
    const [app] = resources(bicep);
    expect(topLevelEntries(app!.body).map((e) => e.key)).toEqual(['name', 'tags', 'identity']);
  });

  it('reads string array variables and secure parameters', () => {
    expect(stringArrayVariable(bicep, 'names')).toEqual(['A.Read', 'B.Write']);
    expect([...secureParameters(bicep)]).toEqual(['token']);
  });

  it('finds the repository root from the compiled test folder', () => {
    expect(repoRoot()).not.toContain('dist-');
  });
});
