import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGraphGateway, GraphError, GraphNotFoundError, GraphPermissionError, GraphThrottledError, type GraphGatewayOptions } from '../../src/graph';
import { rejectionOf, tokenFor } from './harness';
import { graphErrorJson, graphJson, startLoopback, type Loopback } from './loopback';

/**
 * What cannot succeed on retry fails at once, with a message naming the status, the request and what to fix; what can
 * is retried within bounds, and never followed by a useless wait. A loopback Graph answers as each test sets.
 */

const CONFIG_PATH = '/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator';
const GROUP = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
let graph: Loopback;
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => graphJson(res, 200, {});

beforeAll(async () => {
  graph = await startLoopback((req, res) => answer(req, res));
});

beforeEach(() => {
  graph.hits.length = 0;
});

afterAll(async () => {
  await graph.close();
});

/** A credential that hands out token-1, token-2, ... and remembers what it was asked. */
function countingCredential(): TokenCredential & { calls: GetTokenOptions[] } {
  const calls: GetTokenOptions[] = [];
  return {
    calls,
    getToken: async (_scope: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> => {
      calls.push(options);
      return tokenFor(`token-${calls.length}`);
    },
  };
}

function gatewayWith(credential: TokenCredential, options: GraphGatewayOptions = {}) {
  return createGraphGateway({ baseUrl: graph.url, credential, retry: { baseDelayMs: 10 }, ...options });
}

describe('errors that cannot succeed on retry', () => {
  it('401 everywhere: asks for a token once more, tries once more, then fails fast with a typed error saying what to fix', async () => {
    answer = (_req, res) => graphErrorJson(res, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
    const credential = countingCredential();
    const started = Date.now();

    const error = await rejectionOf(gatewayWith(credential).readConfig());

    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(GraphPermissionError);
    expect(error).toMatchObject({ status: 401, permission: 'Policy.Read.All', retryable: false });
    expect(error.message).toContain(`GET ${CONFIG_PATH} answered 401 InvalidAuthenticationToken`);
    expect(error.message).toContain('also after asking the credential for a token again');
    expect(error.message).toContain('holds the application permission Policy.Read.All with admin consent');
    expect(credential.calls).toHaveLength(2);
    expect(graph.hits.map((h) => h.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('401 once: the refreshed token is used and the request succeeds; a claims challenge is passed to the credential', async () => {
    const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
    answer = (req, res) =>
      req.headers.authorization === 'Bearer token-1'
        ? graphErrorJson(res, 401, 'InvalidAuthenticationToken', 'Token revoked.', {
            'www-authenticate': `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`,
          })
        : graphJson(res, 200, { id: GROUP, displayName: 'Ring 0' });
    const credential = countingCredential();

    await expect(gatewayWith(credential).getGroup(GROUP)).resolves.toEqual({ id: GROUP, displayName: 'Ring 0' });

    expect(credential.calls.map((c) => c.claims)).toEqual([undefined, claims]);
    expect(graph.hits).toHaveLength(2);
  });

  it('403 on the policy write: no retry, and the message names the request, the permission and admin consent', async () => {
    answer = (_req, res) => graphErrorJson(res, 403, 'accessDenied', 'Request Authorization failed');
    const started = Date.now();

    const error = await rejectionOf(
      gatewayWith(countingCredential()).writeConfig({ '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration' }, () => ({ ok: true, problems: [] })),
    );

    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(GraphPermissionError);
    expect(error.message).toBe(
      `Microsoft Graph denied permission to update the Microsoft Authenticator configuration (PATCH ${CONFIG_PATH} answered 403 accessDenied: Request Authorization failed). ` +
        'Grant the managed identity the Microsoft Graph application permission Policy.ReadWrite.AuthenticationMethod and grant admin consent for it. ' +
        'Graph request id: 00000000-0000-4000-8000-000000000001.',
    );
    expect(graph.hits).toHaveLength(1);
  });

  it('400 and an unexpected 404: one request each, with the status and the request in the message', async () => {
    answer = (req, res) =>
      req.url?.includes('transitiveMembers')
        ? graphErrorJson(res, 404, 'Request_ResourceNotFound', `Resource '${GROUP}' does not exist.`)
        : graphErrorJson(res, 400, 'BadRequest', 'Invalid filter clause.');
    const gateway = gatewayWith(countingCredential());

    const notFound = await rejectionOf(gateway.memberIds(GROUP));
    const bad = await rejectionOf(gateway.readConfig({ feature: 'companionApp' }));

    expect(notFound).toBeInstanceOf(GraphNotFoundError);
    expect(notFound.message).toContain(`Group ${GROUP} does not exist in the tenant; check the group object id`);
    expect(notFound.message).toContain(`GET /v1.0/groups/${GROUP}/transitiveMembers/microsoft.graph.user answered 404 Request_ResourceNotFound`);
    expect(bad).toBeInstanceOf(GraphError);
    expect(bad).toMatchObject({ status: 400, retryable: false });
    expect(bad.message).toBe(
      `Microsoft Graph answered 400 BadRequest: Invalid filter clause. when trying to read the Microsoft Authenticator configuration (GET /beta/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator). Graph request id: 00000000-0000-4000-8000-000000000001.`,
    );
    expect(graph.hits).toHaveLength(2);
  });
});

describe('errors that can succeed on retry', () => {
  it('a 503 storm: bounded attempts that honour Retry-After, and no wait after the last one', async () => {
    answer = (_req, res) => graphErrorJson(res, 503, 'serviceNotAvailable', 'busy', { 'retry-after': '1' });
    const started = Date.now();

    const error = await rejectionOf(gatewayWith(countingCredential(), { retry: { maxAttempts: 3 } }).memberCount('all_users'));
    const ended = Date.now();

    expect(error).toBeInstanceOf(GraphThrottledError);
    expect(error).toMatchObject({ status: 503, attempts: 3, retryAfterSeconds: 1, retryable: true });
    expect(error.message).toContain('on all 3 attempts to count the users of the tenant (GET /v1.0/users/$count)');
    expect(graph.hits).toHaveLength(3);
    const [first, second, third] = graph.hits.map((h) => h.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(1000);
    expect(third - second).toBeGreaterThanOrEqual(1000);
    // The error comes right after the third answer: no third Retry-After (1 s) is slept.
    expect(ended - third).toBeLessThan(500);
    expect(ended - started).toBeLessThan(2000 + 2500);
  });
});
