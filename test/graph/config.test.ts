import { graphScopeFor, parseGraphBaseUrl } from '../../src/graph/config';
import { createGraphGateway, GraphConfigError, graphOptionsFromEnv } from '../../src/graph';
import { fixedCredential, tokenFor } from './harness';

function configErrorOf(run: () => unknown): GraphConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof GraphConfigError) return error;
    throw error;
  }
  throw new Error('expected a GraphConfigError');
}

describe('Graph settings from the environment', () => {
  it('defaults to https://graph.microsoft.com, no version override (chosen per feature), PT30S and the system-assigned identity', () => {
    expect(graphOptionsFromEnv({})).toEqual({ baseUrl: 'https://graph.microsoft.com', requestTimeout: 'PT30S' });
  });

  it('takes GRAPH_REQUEST_TIMEOUT, treats an empty GRAPH_API_VERSION as unset, and names GRAPH_REQUEST_TIMEOUT when it is not a duration', () => {
    expect(graphOptionsFromEnv({ GRAPH_REQUEST_TIMEOUT: 'PT5S', GRAPH_API_VERSION: ' ' })).toEqual({ baseUrl: 'https://graph.microsoft.com', requestTimeout: 'PT5S' });
    const error = configErrorOf(() => graphOptionsFromEnv({ GRAPH_REQUEST_TIMEOUT: '30' }));
    expect(error.setting).toBe('GRAPH_REQUEST_TIMEOUT');
    expect(error.message).toContain('GRAPH_REQUEST_TIMEOUT must be an ISO 8601 duration such as PT30S');
  });

  it('takes the base URL without its trailing slash, beta for the legacy shape and the user-assigned identity', () => {
    expect(
      graphOptionsFromEnv({ GRAPH_BASE_URL: 'http://127.0.0.1:7071/', GRAPH_API_VERSION: 'beta', AZURE_CLIENT_ID: '5f0c1b2a-3d4e-4f60-8a71-92b3c4d5e6f7' }),
    ).toEqual({ baseUrl: 'http://127.0.0.1:7071', apiVersion: 'beta', requestTimeout: 'PT30S', managedIdentityClientId: '5f0c1b2a-3d4e-4f60-8a71-92b3c4d5e6f7' });
  });

  it.each(['https://graph.microsoft.com/v1.0', 'https://graph.microsoft.com/beta/', 'https://proxy.contoso.example/graph/v1.0'])(
    'rejects a base URL with a version segment (%s), pointing at GRAPH_API_VERSION',
    (url) => {
      const error = configErrorOf(() => graphOptionsFromEnv({ GRAPH_BASE_URL: url }));
      expect(error.setting).toBe('GRAPH_BASE_URL');
      expect(error.message).toMatch(/must not include an API version segment \('\/(v1\.0|beta)'\).*GRAPH_API_VERSION/);
    },
  );

  it('rejects plain http to a host other than loopback, since the bearer token would travel in clear', () => {
    const error = configErrorOf(() => graphOptionsFromEnv({ GRAPH_BASE_URL: 'http://graph.contoso.example' }));
    expect(error.message).toContain('must use https');
  });

  it.each([
    ['not a url', 'must be an absolute URL'],
    ['https://user:secret@graph.microsoft.com', 'must not contain a user name or password'],
    ['https://graph.microsoft.com?x=1', 'must not contain a query string'],
  ])('rejects the base URL %s with a clear message', (url, message) => {
    const error = configErrorOf(() => graphOptionsFromEnv({ GRAPH_BASE_URL: url }));
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('secret');
  });

  it('rejects an API version other than v1.0 or beta, naming both', () => {
    const error = configErrorOf(() => graphOptionsFromEnv({ GRAPH_API_VERSION: 'v2.0' }));
    expect(error.setting).toBe('GRAPH_API_VERSION');
    expect(error.message).toBe("GRAPH_API_VERSION must be 'v1.0' (the current policy shape) or 'beta' (the legacy per-target shape); got 'v2.0'.");
  });

  it('rejects an AZURE_CLIENT_ID that is not a GUID', () => {
    const error = configErrorOf(() => graphOptionsFromEnv({ AZURE_CLIENT_ID: 'my-identity' }));
    expect(error.setting).toBe('AZURE_CLIENT_ID');
    expect(error.message).toContain('client id (a GUID)');
  });
});

describe('gateway options', () => {
  const credential = fixedCredential(() => tokenFor('t'));

  it('are validated like the environment', () => {
    expect(configErrorOf(() => createGraphGateway({ baseUrl: 'https://graph.microsoft.com/v1.0', credential })).setting).toBe('baseUrl');
    expect(configErrorOf(() => createGraphGateway({ apiVersion: 'v2' as never, credential })).setting).toBe('apiVersion');
  });

  it.each([
    [{ retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    [{ retry: { baseDelayMs: -1 } }, 'retry.baseDelayMs'],
    [{ verification: { reads: 0 } }, 'verification'],
    [{ reportsLimit: { requests: 5, windowMs: 0 } }, 'reportsLimit'],
  ])('reject unusable bounds (%j)', (options, setting) => {
    expect(configErrorOf(() => createGraphGateway({ credential, ...options })).setting).toBe(setting);
  });

  it('tell which API version the gateway speaks', () => {
    expect(createGraphGateway({ credential, apiVersion: 'beta' }).apiVersion).toBe('beta');
  });
});

describe('token scope', () => {
  it('asks national clouds for their own Graph resource and everyone else for graph.microsoft.com', () => {
    expect(graphScopeFor(parseGraphBaseUrl('https://graph.microsoft.us'))).toBe('https://graph.microsoft.us/.default');
    expect(graphScopeFor(parseGraphBaseUrl('https://microsoftgraph.chinacloudapi.cn'))).toBe('https://microsoftgraph.chinacloudapi.cn/.default');
    expect(graphScopeFor(parseGraphBaseUrl('https://graph.microsoft.com'))).toBe('https://graph.microsoft.com/.default');
    expect(graphScopeFor(parseGraphBaseUrl('http://127.0.0.1:7000'))).toBe('https://graph.microsoft.com/.default');
  });
});
