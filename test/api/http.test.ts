import { MAX_BODY_BYTES, parseJsonBody, readBody } from '../../src/api/http';

function request(body: string, headerValues: Record<string, string> = {}): Parameters<typeof readBody>[0] {
  return {
    headers: { get: (name: string) => headerValues[name.toLowerCase()] ?? null },
    arrayBuffer: async () => new TextEncoder().encode(body).buffer,
  };
}

describe('request bodies', () => {
  it('refuses a body over 64 KiB with 413, by declared length and by actual length', async () => {
    const declared = await readBody(request('{}', { 'content-length': String(MAX_BODY_BYTES + 1) }));
    expect(declared.ok).toBe(false);
    if (!declared.ok) expect(declared.response.status).toBe(413);
    const actual = await readBody(request('x'.repeat(MAX_BODY_BYTES + 1)));
    expect(actual.ok).toBe(false);
    if (!actual.ok) expect(actual.response).toEqual({ status: 413, jsonBody: { error: 'PayloadTooLarge', message: `the body has ${MAX_BODY_BYTES + 1} bytes; at most 65536 bytes (64 KiB) are accepted` } });
  });

  it('accepts exactly 64 KiB', async () => {
    expect((await readBody(request('x'.repeat(MAX_BODY_BYTES)))).ok).toBe(true);
  });

  it('refuses a body that is not declared as JSON with 415, and broken JSON with 400 naming the problem', () => {
    const notJson = parseJsonBody(Buffer.from('{}'), 'text/plain');
    expect(!notJson.ok && notJson.response.status).toBe(415);
    const broken = parseJsonBody(Buffer.from('{"feature":'), 'application/json; charset=utf-8');
    expect(!broken.ok && broken.response.status).toBe(400);
    expect(!broken.ok && JSON.stringify(broken.response.jsonBody)).toMatch(/is not valid JSON/);
    expect(parseJsonBody(Buffer.from('{"a":1}'), 'application/json')).toEqual({ ok: true, value: { a: 1 } });
  });
});
