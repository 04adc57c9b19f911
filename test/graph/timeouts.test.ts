import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { createGraphGateway, GraphCancelledError, GraphTimeoutError, type GraphGatewayOptions } from '../../src/graph';
import { fixedCredential, rejectionOf, tokenFor } from './harness';
import { graphJson, startLoopback, type Loopback } from './loopback';

/**
 * GRAPH_REQUEST_TIMEOUT against a Graph that never answers (a loopback server that keeps the connection open), a
 * credential that never answers, and the caller's own AbortSignal. Bounds are generous for a loaded 2-core machine.
 */

const CONFIG_REQUEST = 'GET /v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator';
const SLACK_MS = 2500;
let hanging: Loopback;

beforeAll(async () => {
  hanging = await startLoopback(() => undefined);
});

beforeEach(() => {
  hanging.hits.length = 0;
});

afterAll(async () => {
  await hanging.close();
});

function gatewayAt(url: string, options: GraphGatewayOptions = {}) {
  return createGraphGateway({ baseUrl: url, credential: fixedCredential(() => tokenFor('loopback-token')), ...options });
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started };
}

describe('request timeout', () => {
  it('gives up on a Graph that hangs after two timed-out attempts, naming the limit and the request', async () => {
    const gateway = gatewayAt(hanging.url, { requestTimeout: 'PT1S' });

    const { value: error, ms } = await timed(() => rejectionOf(gateway.readConfig()));

    expect(error).toBeInstanceOf(GraphTimeoutError);
    expect(error.message).toContain(`timed out after PT1S: ${CONFIG_REQUEST}`);
    expect(error.message).toContain('2 of 2 attempts timed out');
    expect(error).toMatchObject({ status: 0, code: 'timeout', timeout: 'PT1S', attempts: 2, retryable: true, request: CONFIG_REQUEST });
    expect(hanging.hits).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(2000);
    expect(ms).toBeLessThan(2000 + SLACK_MS);
  });

  it('ends within one timeout (plus slack) when timed-out attempts are not retried', async () => {
    const gateway = gatewayAt(hanging.url, { requestTimeout: 'PT1S', retry: { timeoutAttempts: 1 } });

    const { value: error, ms } = await timed(() => rejectionOf(gateway.memberCount('all_users')));

    expect(error.message).toContain('timed out after PT1S: GET /v1.0/users/$count (trying to count the users of the tenant; the only attempt)');
    expect(hanging.hits).toHaveLength(1);
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(ms).toBeLessThan(1000 + SLACK_MS);
  });

  it('times out an answer whose body never finishes, not only one that never starts', async () => {
    const trickle = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"value": [');
    });
    try {
      const gateway = gatewayAt(trickle.url, { requestTimeout: 'PT1S', retry: { timeoutAttempts: 1 } });
      const { value: error, ms } = await timed(() => rejectionOf(gateway.memberIds('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d')));
      expect(error).toBeInstanceOf(GraphTimeoutError);
      expect(error.message).toContain('timed out after PT1S: GET /v1.0/groups/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/transitiveMembers/microsoft.graph.user');
      expect(ms).toBeLessThan(1000 + SLACK_MS);
    } finally {
      await trickle.close();
    }
  });

  it('passes the timeout to the credential as abortSignal, and bounds a credential that ignores it', async () => {
    const signals: AbortSignal[] = [];
    const honouring: TokenCredential = {
      getToken: (_scope: string | string[], options?: GetTokenOptions) =>
        new Promise<AccessToken | null>((_resolve, reject) => {
          const signal = options?.abortSignal as AbortSignal | undefined;
          if (signal) signals.push(signal);
          signal?.addEventListener('abort', () => reject(new Error('aborted by the signal')));
        }),
    };
    const ignoring: TokenCredential = { getToken: () => new Promise<AccessToken | null>(() => undefined) };

    for (const credential of [honouring, ignoring]) {
      const gateway = createGraphGateway({ baseUrl: hanging.url, credential, requestTimeout: 'PT0.5S', retry: { timeoutAttempts: 1 } });
      const { value: error, ms } = await timed(() => rejectionOf(gateway.readConfig()));
      expect(error).toBeInstanceOf(GraphTimeoutError);
      expect(error.message).toContain(`timed out after PT0.5S: ${CONFIG_REQUEST}`);
      expect(ms).toBeLessThan(500 + SLACK_MS);
    }
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    // No request left the process without a token.
    expect(hanging.hits).toHaveLength(0);
  });
});

describe("the caller's AbortSignal", () => {
  it('cancels a request in flight at once, without retrying it', async () => {
    const gateway = gatewayAt(hanging.url, { requestTimeout: 'PT30S' });
    const signal = AbortSignal.timeout(300);

    const { value: error, ms } = await timed(() => rejectionOf(gateway.readConfig({ signal })));

    expect(error).toBeInstanceOf(GraphCancelledError);
    expect(error.message).toBe(`Cancelled by the caller: ${CONFIG_REQUEST} (trying to read the Microsoft Authenticator configuration).`);
    expect(error).toMatchObject({ retryable: false });
    expect(hanging.hits).toHaveLength(1);
    expect(ms).toBeLessThan(300 + SLACK_MS);
  });

  it('cancels the wait for a Retry-After, so a 503 storm does not hold the caller', async () => {
    const storm = await startLoopback((_req, res) => graphJson(res, 503, { error: { code: 'serviceNotAvailable', message: 'busy' } }, { 'retry-after': '20' }));
    try {
      const gateway = gatewayAt(storm.url);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);

      const { value: error, ms } = await timed(() => rejectionOf(gateway.getGroup('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', { signal: controller.signal })));

      expect(error).toBeInstanceOf(GraphCancelledError);
      expect(storm.hits).toHaveLength(1);
      expect(ms).toBeLessThan(300 + SLACK_MS);
    } finally {
      await storm.close();
    }
  });

  it('refuses at once when the signal has already fired, sending nothing', async () => {
    const gateway = gatewayAt(hanging.url);
    const error = await rejectionOf(gateway.memberCount('all_users', { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(GraphCancelledError);
    expect(hanging.hits).toHaveLength(0);
  });
});
