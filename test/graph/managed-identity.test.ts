import { DefaultAzureCredential } from '@azure/identity';
import { createGraphGateway, graphOptionsFromEnv, GraphPermissionError, type GraphRequestInfo } from '../../src/graph';
import type { EmulatedTenant } from '../../src/local/tenant';
import { fixedCredential, rejectionOf, requestsSince, startTenantWithIdentity, tokenFor } from './harness';

let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startTenantWithIdentity();
});

afterAll(async () => {
  await tenant.close();
});

describe('the gateway and the managed identity', () => {
  it('reads the policy over http loopback with a token DefaultAzureCredential got from the App Service identity endpoint', async () => {
    const seen: GraphRequestInfo[] = [];
    const env = { GRAPH_BASE_URL: tenant.url, AZURE_CLIENT_ID: '5f0c1b2a-3d4e-4f60-8a71-92b3c4d5e6f7' };
    const gateway = createGraphGateway({ ...graphOptionsFromEnv(env), onRequest: (r) => seen.push(r) });
    const before = tenant.control.requests().length;

    const config = await gateway.readConfig();

    expect(config.id).toBe('MicrosoftAuthenticator');
    expect(requestsSince(tenant, before, 'GET', 'MicrosoftAuthenticator').map((r) => r.status)).toEqual([200]);
    expect(seen).toEqual([
      expect.objectContaining({ method: 'GET', path: '/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator', status: 200, attempt: 1, throttled: false }),
    ]);
  });

  it('uses DefaultAzureCredential when no credential is given, for the system-assigned identity too', async () => {
    const gateway = createGraphGateway({ ...graphOptionsFromEnv({ GRAPH_BASE_URL: tenant.url }) });
    await expect(gateway.getGroup('0b6a2f3e-5c41-4d8e-9a27-61f0c3b8d512')).resolves.toEqual({
      id: '0b6a2f3e-5c41-4d8e-9a27-61f0c3b8d512',
      displayName: 'Ring 0 - IT pilot',
    });
  });

  it('fails with a 401 GraphPermissionError that says so when the credential returns no token, without calling Graph', async () => {
    const gateway = createGraphGateway({ baseUrl: tenant.url, credential: fixedCredential(() => null) });
    const before = tenant.control.requests().length;

    const error = await rejectionOf(gateway.readConfig());

    expect(error).toBeInstanceOf(GraphPermissionError);
    expect(error).toMatchObject({ status: 401, code: 'noAccessToken' });
    expect(error.message).toContain('returned no access token');
    expect(error.message).toContain('read the Microsoft Authenticator configuration');
    expect(tenant.control.requests().length).toBe(before);
  });

  it("fails with a 401 GraphPermissionError quoting Graph's reason when the token is not one Graph accepts", async () => {
    const gateway = createGraphGateway({ baseUrl: tenant.url, credential: fixedCredential(() => tokenFor('forged-token')) });

    const error = await rejectionOf(gateway.readConfig());

    expect(error).toBeInstanceOf(GraphPermissionError);
    expect(error).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken', permission: 'Policy.Read.All' });
    expect(error.message).toContain('did not accept the access token');
    expect(error.message).toContain('JWT is not well formed');
    expect(error.message).not.toContain('forged-token');
  });

  it('fails with a GraphPermissionError naming the credential problem when the credential throws', async () => {
    const failing = { getToken: () => Promise.reject(Object.assign(new Error('ManagedIdentityCredential: no identity endpoint\nsecond line'), { name: 'CredentialUnavailableError' })) };
    const gateway = createGraphGateway({ baseUrl: tenant.url, credential: failing });

    const error = await rejectionOf(gateway.memberCount('all_users'));

    expect(error).toMatchObject({ name: 'GraphPermissionError', status: 401, code: 'credentialUnavailable' });
    expect(error.message).toContain('CredentialUnavailableError: ManagedIdentityCredential: no identity endpoint');
    expect(error.message).not.toContain('second line');
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('never puts the real access token in an error message, its JSON or the request observer', async () => {
    const token = (await new DefaultAzureCredential().getToken('https://graph.microsoft.com/.default')).token;
    expect(token.length).toBeGreaterThan(20);
    const seen: GraphRequestInfo[] = [];
    const gateway = createGraphGateway({ baseUrl: tenant.url, retry: { maxAttempts: 2, baseDelayMs: 1 }, onRequest: (r) => seen.push(r) });
    tenant.control.denyPermission('Policy.ReadWrite.AuthenticationMethod');
    tenant.control.denyPermission('Policy.Read.All');
    tenant.control.injectFaults([{ pathIncludes: '/users/$count', status: 503, times: 2 }]);
    try {
      const errors = await Promise.all([
        rejectionOf(gateway.readConfig()),
        rejectionOf(gateway.writeConfig({ '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration' }, () => ({ ok: true, problems: [] }))),
        rejectionOf(gateway.memberIds('11111111-2222-3333-4444-555555555555')),
        rejectionOf(gateway.memberCount('all_users')),
      ]);
      expect(errors.map((e) => e.name)).toEqual(['GraphPermissionError', 'GraphPermissionError', 'GraphNotFoundError', 'GraphThrottledError']);
      for (const error of errors) {
        expect(error.message).not.toContain(token);
        expect(JSON.stringify(error)).not.toContain(token);
        expect(Object.keys(JSON.parse(JSON.stringify(error)) as object).sort()).toEqual(['code', 'message', 'name', 'requestId', 'retryable', 'status']);
      }
      expect(JSON.stringify(seen)).not.toContain(token);
    } finally {
      tenant.control.grantPermission('Policy.ReadWrite.AuthenticationMethod');
      tenant.control.grantPermission('Policy.Read.All');
      tenant.control.clearFaults();
    }
  });
});
