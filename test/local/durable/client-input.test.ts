import { startHost, type Harness } from './harness';

/** The durable client endpoints refuse bad input with a 4xx and a JSON body naming it, never a 500. */
describe('durable client endpoints and bad input', () => {
  let h: Harness;
  let rpc = '';
  beforeAll(async () => {
    h = await startHost();
    rpc = h.host.clientBinding().rpcBaseUrl;
  });
  afterAll(async () => {
    await h.host.stop();
  });

  async function post(path: string, body?: string | Buffer): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${rpc}${path}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  test('a malformed escape in an instance id or event name is 400', async () => {
    expect(await post('instances/%zz/raiseEvent/Go', '1')).toEqual({ status: 400, json: { error: 'The path segment "%zz" has a malformed percent escape.' } });
    expect((await post('orchestrators/Sequence/%C3%28', '["x"]')).status).toBe(400);
  });

  test('a body that is not UTF-8 or not JSON is 400, and one over 4 MB is 413', async () => {
    const id = await h.host.startNew('Ticker');
    expect(await post(`instances/${id}/raiseEvent/Stop`, Buffer.from([0x22, 0xff, 0x22]))).toEqual({ status: 400, json: { error: 'The request body is not valid UTF-8.' } });
    expect(await post(`instances/${id}/raiseEvent/Stop`, '{"a":')).toEqual({ status: 400, json: { error: 'The request body is not valid JSON.' } });
    expect((await post(`instances/${id}/raiseEvent/Stop`, `"${'a'.repeat(5 * 1024 * 1024)}"`)).status).toBe(413);
    await h.host.terminate(id, 'test over');
    await h.host.idle();
  });
});
