import { processSecrets, rememberSecret, settingSecrets } from '../../src/telemetry/secrets';

describe('secrets known to the process-wide telemetry', () => {
  it('include the values of secret app settings: Workflows URL, HMAC token, identity header, client secrets', () => {
    const env = {
      TEAMS_NOTIFY_URL: 'https://prod-1.westeurope.logic.azure.com/workflows/x?sig=abc',
      TEAMS_HMAC_TOKEN: 'q0V9sJ3m1XyZ8bT4nR2wLk7pQa5cFh6dEg0uIoPzS1M=',
      IDENTITY_HEADER: 'c0ffee-identity-header',
      AZURE_CLIENT_SECRET: 'client-secret-value',
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
      ROLLOUT_MIN_SOAK: 'PT24H',
    };
    expect(settingSecrets(env).sort()).toEqual(
      [env.TEAMS_NOTIFY_URL, env.TEAMS_HMAC_TOKEN, env.IDENTITY_HEADER, env.AZURE_CLIENT_SECRET].sort(),
    );
  });

  it('ignore secret settings too short to be real secrets', () => {
    expect(settingSecrets({ TEAMS_HMAC_TOKEN: 'short' })).toEqual([]);
  });

  it('include tokens remembered at run time, forgetting the oldest beyond 64', () => {
    const tokens = Array.from({ length: 65 }, (_, i) => `bearer-token-number-${i}`);
    tokens.forEach((token) => rememberSecret(token));
    const known = processSecrets();
    expect(known).toContain(tokens[64]);
    expect(known).toContain(tokens[1]);
    expect(known).not.toContain(tokens[0]);
  });
});
