import { connect } from 'node:net';
import { startHttpServer, type LocalHttpServer } from '../../../src/local/http-server';
import { loadFunctionApp } from '../../../src/local/functions-host/registry';
import { FIXTURE_MODULES } from '../../fixtures/durable-app';

/** The local HTTP layer answers bad input itself, with a specific 4xx and a JSON body naming the problem. */

let server: LocalHttpServer;
beforeAll(async () => {
  server = await startHttpServer(loadFunctionApp(FIXTURE_MODULES), { port: 0 });
});
afterAll(async () => {
  await server.close();
});

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as Record<string, unknown> };
}

/** Sends raw bytes (for request targets fetch would never produce) and returns the status line and body. */
function raw(request: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}

describe('the local HTTP layer', () => {
  test('an unknown route is 404 and a method the route does not declare is 405 with Allow, both with a JSON body', async () => {
    expect(await call('/api/nothing/here')).toMatchObject({ status: 404, json: { error: 'NotFound', message: 'no function serves /api/nothing/here' } });
    const wrong = await call('/api/inspect/x', { method: 'DELETE' });
    expect(wrong).toMatchObject({ status: 405, json: { error: 'MethodNotAllowed' } });
    expect(wrong.headers.get('allow')).toBe('POST, PUT');
  });

  test.each([
    ['/api/inspect/%zz', '%zz'],
    ['/api/inspect/%C3%28', '%C3%28'],
    ['/api/%E0%A4%A/inspect', '%E0%A4%A'],
  ])('a path with a malformed or non-UTF-8 escape (%s) is 400 naming it, and no function runs', async (path, segment) => {
    const reply = await call(path, { method: 'POST', body: '{}' });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: 'BadRequest', message: `the URL path has a malformed percent escape near "${segment}"` });
  });

  test('a well-formed escape reaches the function decoded', async () => {
    expect(await call('/api/inspect/caf%C3%A9%2F1', { method: 'POST', body: 'x' })).toMatchObject({ status: 200, json: { item: 'café/1', bytes: 1 } });
  });

  test('a body that is not UTF-8 reaches the function as its bytes (it decodes them as the Functions host would)', async () => {
    const reply = await call('/api/inspect/bytes', { method: 'PUT', body: Buffer.from([0xff, 0xfe, 0x41]), headers: { 'content-type': 'application/json' } });
    expect(reply).toMatchObject({ status: 200, json: { bytes: 3, text: '\uFFFD\uFFFDA' } });
  });

  test('a body over the limit is 413 with a JSON body that reaches the client, declared or streamed', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    expect(await call('/api/inspect/big', { method: 'POST', body: big })).toMatchObject({ status: 413, json: { error: 'PayloadTooLarge' } });
    const chunks = [big.subarray(0, 1024 * 1024), big.subarray(1024 * 1024)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await call('/api/inspect/big', { method: 'POST', body: stream, duplex: 'half' });
    expect(streamed).toMatchObject({ status: 413, json: { error: 'PayloadTooLarge' } });
  });

  test('a request target that is not a URL, or an unusable Host header, gets a 4xx, never a 500', async () => {
    const target = await raw('GET http://[::1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(target.status).toBeGreaterThanOrEqual(400);
    expect(target.status).toBeLessThan(500);
    const host = await raw('GET /api/nothing HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n');
    expect(host.status).toBeGreaterThanOrEqual(400);
    expect(host.status).toBeLessThan(500);
  });

  test('two hundred fuzzed paths get a 4xx or 2xx with a JSON body, never a 5xx', async () => {
    const pieces = ['%', '%%', '%2', '%zz', '%C3', '%C3%28', '%00', '%2F', '..', '.', '%E2%82', '~', '__proto__', 'constructor', '%7B', '{item}', ';', ',', 'é', '%ED%A0%80'];
    let seed = 7;
    const pick = (): string => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return pieces[seed % pieces.length] ?? '';
    };
    for (let i = 0; i < 200; i++) {
      const path = `/api/${i % 2 === 0 ? 'inspect/' : ''}${pick()}${pick()}${i % 3 === 0 ? `/${pick()}` : ''}`;
      const response = await fetch(`${server.url}${path}`, { method: i % 4 === 0 ? 'GET' : 'POST', body: i % 4 === 0 ? undefined : '{}' });
      const text = await response.text();
      expect({ path, status: response.status < 500 }).toEqual({ path, status: true });
      expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
  });
});
