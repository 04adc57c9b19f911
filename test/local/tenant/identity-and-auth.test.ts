import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { startEmulatedTenant, type EmulatedTenant } from '../../../src/local/tenant';
import { CONFIG_PATH, errorOf, msiToken } from './graph-session';

let tenant: EmulatedTenant;

beforeAll(async () => {
  tenant = await startEmulatedTenant();
});

afterAll(async () => {
  await tenant.close();
});

const tokenUrl = (query = 'api-version=2019-08-01&resource=https://graph.microsoft.com') => `${tenant.identityEndpoint}?${query}`;

describe('the managed identity endpoint', () => {
  it('listens on 127.0.0.1 at /msi/token with a random identity header', () => {
    expect(tenant.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tenant.identityEndpoint).toBe(`${tenant.url}/msi/token`);
    expect(tenant.identityHeader.length).toBeGreaterThanOrEqual(32);
  });

  it('issues a bearer token for Microsoft Graph in the App Service protocol', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await fetch(tokenUrl(), { headers: { 'X-IDENTITY-HEADER': tenant.identityHeader } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({ resource: 'https://graph.microsoft.com', token_type: 'Bearer' });
    expect(body.access_token!.length).toBeGreaterThan(20);
    expect(Number(body.expires_on)).toBeGreaterThan(before + 3000);
  });

  it('echoes the client_id of a user-assigned identity', async () => {
    const clientId = '5f0c1b2a-3d4e-4f60-8a71-92b3c4d5e6f7';
    const response = await fetch(tokenUrl(`api-version=2019-08-01&resource=https://graph.microsoft.com&client_id=${clientId}`), {
      headers: { 'X-IDENTITY-HEADER': tenant.identityHeader },
    });
    expect(((await response.json()) as Record<string, string>).client_id).toBe(clientId);
  });

  it('refuses a request without the identity header (400) or with a wrong one (401)', async () => {
    const missing = await fetch(tokenUrl());
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request', error_description: 'The X-IDENTITY-HEADER header is required.' });
    const wrong = await fetch(tokenUrl(), { headers: { 'X-IDENTITY-HEADER': 'guess' } });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(await wrong.json())).not.toContain(tenant.identityHeader);
  });

  it('refuses tokens for another resource with a message naming the one it serves', async () => {
    const response = await fetch(tokenUrl('api-version=2019-08-01&resource=https://vault.azure.net'), {
      headers: { 'X-IDENTITY-HEADER': tenant.identityHeader },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Record<string, string>).error_description).toContain('https://graph.microsoft.com');
  });

  it.each([
    ['ManagedIdentityCredential', () => new ManagedIdentityCredential()],
    ['DefaultAzureCredential', () => new DefaultAzureCredential()],
  ])('works with the real %s of @azure/identity, and its token is accepted by Graph', async (_, credential) => {
    const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
    process.env.IDENTITY_ENDPOINT = tenant.identityEndpoint;
    process.env.IDENTITY_HEADER = tenant.identityHeader;
    try {
      const token = await credential().getToken('https://graph.microsoft.com/.default');
      const response = await fetch(`${tenant.url}/v1.0${CONFIG_PATH}`, { headers: { authorization: `Bearer ${token.token}` } });
      expect(response.status).toBe(200);
    } finally {
      restore('IDENTITY_ENDPOINT', saved.endpoint);
      restore('IDENTITY_HEADER', saved.header);
    }
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

describe('Graph authentication', () => {
  it("answers 401 'Access token is empty.' without a bearer token", async () => {
    expect(await errorOf(await fetch(`${tenant.url}/v1.0${CONFIG_PATH}`))).toEqual({
      status: 401,
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });
  });

  it('answers 401 with the JWT format error for a token it did not issue', async () => {
    const response = await fetch(`${tenant.url}/beta/groups`, { headers: { authorization: 'Bearer made-up-token' } });
    const error = await errorOf(response);
    expect(error).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(error.message).toMatch(/^IDX14100: JWT is not well formed/);
  });

  it('requires the token on every Graph route, known or not, before saying a route does not exist', async () => {
    expect((await fetch(`${tenant.url}/v1.0/no/such/thing`)).status).toBe(401);
    const token = await msiToken(tenant);
    const unknown = await fetch(`${tenant.url}/v1.0/no/such/thing`, { headers: { authorization: `Bearer ${token}` } });
    expect(await errorOf(unknown)).toEqual({ status: 404, code: 'BadRequest', message: "Resource not found for the segment 'no'." });
  });

  it('answers an unknown API version with 404 naming the segment', async () => {
    const response = await fetch(`${tenant.url}/v2.0${CONFIG_PATH}`);
    expect(await errorOf(response)).toMatchObject({ status: 404, message: "Resource not found for the segment 'v2.0'." });
  });
});
