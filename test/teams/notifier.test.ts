import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotifier, retryAfterMs, type NotificationFailure } from '../../src/teams/notifier';
import { textReply } from '../../src/teams/cards';

/** A loopback stand-in for the Teams Workflows webhook: answers each POST with the next scripted reply. */
type Reply = { status: number; headers?: Record<string, string> } | 'hang';

interface Received {
  path: string;
  contentType: string | undefined;
  body: string;
}

const SECRET_QUERY = 'api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zm9vYmFyU0VDUkVUc2lnbmF0dXJl';
const SECRET_PATH = '/workflows/0f1e2d3c4b5a/triggers/manual/paths/invoke';

let server: Server;
let base: string;
let script: Reply[] = [];
let received: Received[] = [];

function reply(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
    const next = script.shift() ?? { status: 202 };
    if (next === 'hang') return;
    res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
    res.end(next.status < 300 ? '' : JSON.stringify({ error: { code: 'Failed', message: `status ${next.status}` } }));
  });
}

beforeAll(async () => {
  server = createServer(reply);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  script = [];
  received = [];
});

const webhookUrl = (): string => `${base}${SECRET_PATH}?${SECRET_QUERY}`;
const card = textReply('Ring pilot enabled');
const fast = { baseDelayMs: 10, maxDelayMs: 20 };

function expectNoSecret(infos: NotificationFailure[]): void {
  expect(infos.length).toBeGreaterThan(0);
  const seen = JSON.stringify(infos);
  expect(seen).not.toContain('sig=');
  expect(seen).not.toContain('Zm9vYmFyU0VDUkVUc2lnbmF0dXJl');
  expect(seen).not.toContain(SECRET_PATH);
  expect(seen).not.toContain('0f1e2d3c4b5a');
}

describe('Teams notifier', () => {
  it('posts the card as JSON and reports it delivered', async () => {
    const result = await createNotifier({ url: webhookUrl() }).send(card);
    expect(result).toEqual({ delivered: true, attempts: 1 });
    expect(received).toEqual([{ path: `${SECRET_PATH}?${SECRET_QUERY}`, contentType: 'application/json', body: JSON.stringify(card) }]);
  });

  it('retries after a 503 and delivers on the second attempt', async () => {
    script = [{ status: 503 }, { status: 200 }];
    const result = await createNotifier({ url: webhookUrl(), ...fast }).send(card);
    expect(result).toEqual({ delivered: true, attempts: 2 });
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
  });

  it('waits as long as a 429 Retry-After asks before trying again', async () => {
    script = [{ status: 429, headers: { 'retry-after': '1' } }, { status: 202 }];
    const started = performance.now();
    const result = await createNotifier({ url: webhookUrl(), ...fast }).send(card);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result).toEqual({ delivered: true, attempts: 2 });
  });

  it('caps a very long Retry-After', async () => {
    script = [{ status: 429, headers: { 'retry-after': '3600' } }, { status: 202 }];
    const started = performance.now();
    const result = await createNotifier({ url: webhookUrl(), ...fast, maxRetryAfterMs: 50 }).send(card);
    // Capped: nowhere near the hour the endpoint asked for.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(result).toEqual({ delivered: true, attempts: 2 });
  });

  it('gives up after three attempts on a persistent 500, without throwing, and reports the failure once', async () => {
    script = [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }];
    const failures: NotificationFailure[] = [];
    const result = await createNotifier({ url: webhookUrl(), ...fast, onFailure: (info) => failures.push(info) }).send(card);
    expect(result).toEqual({ delivered: false, attempts: 3 });
    expect(received).toHaveLength(3);
    expect(failures).toEqual([{ host: '127.0.0.1', attempts: 3, status: 500, reason: 'Teams answered HTTP 500; gave up after 3 attempts.' }]);
    expectNoSecret(failures);
  });

  it('honours a custom retry count', async () => {
    script = Array.from({ length: 6 }, () => ({ status: 502 }));
    const result = await createNotifier({ url: webhookUrl(), ...fast, retries: 4 }).send(card);
    expect(result).toEqual({ delivered: false, attempts: 5 });
  });

  it('does not retry a refusal that will not change (400), and says so', async () => {
    script = [{ status: 400 }, { status: 202 }];
    const failures: NotificationFailure[] = [];
    const result = await createNotifier({ url: webhookUrl(), ...fast, onFailure: (info) => failures.push(info) }).send(card);
    expect(result).toEqual({ delivered: false, attempts: 1 });
    expect(failures[0]!.reason).toBe('Teams answered HTTP 400; not retried.');
    expectNoSecret(failures);
  });

  it('retries a network error and never reveals the URL in the failure it reports', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const failures: NotificationFailure[] = [];
    const url = `http://127.0.0.1:${port}${SECRET_PATH}?${SECRET_QUERY}`;
    const result = await createNotifier({ url, ...fast, onFailure: (info) => failures.push(info) }).send(card);
    expect(result).toEqual({ delivered: false, attempts: 3 });
    expect(failures).toEqual([{ host: '127.0.0.1', attempts: 3, reason: 'Network error (ECONNREFUSED); gave up after 3 attempts.' }]);
    expectNoSecret(failures);
  });

  it('gives up on an attempt that gets no answer in time, and retries it', async () => {
    script = ['hang', { status: 202 }];
    const result = await createNotifier({ url: webhookUrl(), ...fast, timeoutMs: 200 }).send(card);
    expect(result).toEqual({ delivered: true, attempts: 2 });
  });

  it('is a no-op without a URL', async () => {
    let calls = 0;
    const countingFetch: typeof fetch = async (...args) => {
      calls++;
      return fetch(...args);
    };
    for (const url of [undefined, '', '  ']) {
      expect(await createNotifier({ url, fetch: countingFetch }).send(card)).toEqual({ delivered: false, attempts: 0 });
    }
    expect(calls).toBe(0);
  });

  it('reports a malformed URL without quoting it', async () => {
    const failures: NotificationFailure[] = [];
    const result = await createNotifier({ url: `ftp://example.invalid${SECRET_PATH}?${SECRET_QUERY}`, onFailure: (info) => failures.push(info) }).send(card);
    expect(result).toEqual({ delivered: false, attempts: 0 });
    expect(failures).toEqual([{ attempts: 0, reason: 'The Teams notification URL is not a valid http(s) URL; nothing was sent.' }]);
    expectNoSecret(failures);
  });

  it('never throws, even when the failure handler throws or the card cannot be serialised', async () => {
    script = [{ status: 404 }];
    const throwing = createNotifier({
      url: webhookUrl(),
      onFailure: () => {
        throw new Error('handler broke');
      },
    });
    await expect(throwing.send(card)).resolves.toEqual({ delivered: false, attempts: 1 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(throwing.send(circular)).resolves.toEqual({ delivered: false, attempts: 0 });
  });
});

describe('Retry-After', () => {
  const now = new Date('2025-03-01T12:00:00Z');
  it('reads seconds and HTTP dates, and ignores anything else', () => {
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Sat, 01 Mar 2025 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});
