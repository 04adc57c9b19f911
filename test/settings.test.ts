import { appSetting } from '../src/settings';

describe('app settings', () => {
  it('treats empty values and unresolved Key Vault references as not configured', () => {
    const env = { A: '  ', B: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/teams-hmac/)', C: ' value ' };
    expect(appSetting(env, 'A')).toBeUndefined();
    expect(appSetting(env, 'B')).toBeUndefined();
    expect(appSetting(env, 'C')).toBe('value');
    expect(appSetting(env, 'D')).toBeUndefined();
  });
});
