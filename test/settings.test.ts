import { appSetting, durationSetting, graphRequestTimeout, SettingError } from '../src/settings';

describe('app settings', () => {
  it('treats empty values and unresolved Key Vault references as not configured', () => {
    const env = { A: '  ', B: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/teams-hmac/)', C: ' value ' };
    expect(appSetting(env, 'A')).toBeUndefined();
    expect(appSetting(env, 'B')).toBeUndefined();
    expect(appSetting(env, 'C')).toBe('value');
    expect(appSetting(env, 'D')).toBeUndefined();
  });
});

describe('duration settings', () => {
  it('reads an ISO 8601 duration, falls back when unset, and names the setting when the value is no duration', () => {
    expect(durationSetting('ROLLOUT_SIGNIN_LAG', ' PT5M ', 'PT5M')).toEqual({ iso: 'PT5M', ms: 300_000 });
    expect(graphRequestTimeout({ GRAPH_REQUEST_TIMEOUT: 'PT1M' })).toEqual({ iso: 'PT1M', ms: 60_000 });
    expect(graphRequestTimeout({})).toEqual({ iso: 'PT30S', ms: 30_000 });
    expect(graphRequestTimeout({ GRAPH_REQUEST_TIMEOUT: '' })).toEqual({ iso: 'PT30S', ms: 30_000 });
    expect(graphRequestTimeout({ GRAPH_REQUEST_TIMEOUT: 'PT0.5S' })).toEqual({ iso: 'PT0.5S', ms: 500 });
    for (const bad of ['30s', 'P1M', 'PT0S', '-PT5S']) {
      const run = (): unknown => graphRequestTimeout({ GRAPH_REQUEST_TIMEOUT: bad });
      expect(run).toThrow(SettingError);
      expect(run).toThrow(/^GRAPH_REQUEST_TIMEOUT must be an ISO 8601 duration such as PT30S: /);
    }
  });
});
