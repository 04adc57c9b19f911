import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGraphGateway, GraphError } from '../../src/graph';
import { fixedCredential, rejectionOf, tokenFor } from './harness';

/**
 * Where tokens go when Graph hands out @odata.nextLink: a minimal Graph stand-in on loopback serves a members page whose
 * nextLink is chosen per test; a second server plays "somewhere else".
 */

interface Seen {
  url: string;
  authorization: string | undefined;
}

const GROUP = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const MEMBERS_PATH = `/v1.0/groups/${GROUP}/transitiveMembers/microsoft.graph.user`;
let graph: Server;
let elsewhere: Server;
let graphUrl = '';
let elsewhereUrl = '';
const graphSeen: Seen[] = [];
const elsewhereSeen: Seen[] = [];
let nextLinkOf: (graphUrl: string) => string | undefined = () => undefined;

function record(list: Seen[], req: IncomingMessage): void {
  list.push({ url: req.url ?? '', authorization: req.headers.authorization });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  graph = createServer((req, res) => {
    record(graphSeen, req);
    const second = (req.url ?? '').includes('$skiptoken=');
    const next = second ? undefined : nextLinkOf(graphUrl);
    const body = { value: [{ id: second ? 'user-2' : 'user-1' }], ...(next ? { '@odata.nextLink': next } : {}) };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  elsewhere = createServer((req, res) => {
    record(elsewhereSeen, req);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: [{ id: 'planted' }] }));
  });
  graphUrl = await listen(graph);
  elsewhereUrl = await listen(elsewhere);
});

beforeEach(() => {
  graphSeen.length = 0;
  elsewhereSeen.length = 0;
});

afterAll(async () => {
  await Promise.all([graph, elsewhere].map((s) => new Promise((resolve) => s.close(resolve))));
});

const gateway = () => createGraphGateway({ baseUrl: graphUrl, credential: fixedCredential(() => tokenFor('loopback-token')) });

describe('@odata.nextLink', () => {
  it('is followed on the configured http host with its query intact and the bearer token attached', async () => {
    nextLinkOf = (base) => `${base}${MEMBERS_PATH}?$select=id&$top=999&$skiptoken=a%2Bb%20c%27d`;

    const ids = await gateway().memberIds(GROUP);

    expect([...(ids ?? [])]).toEqual(['user-1', 'user-2']);
    expect(graphSeen.map((s) => s.url)).toEqual([`${MEMBERS_PATH}?$select=id&$top=999`, `${MEMBERS_PATH}?$select=id&$top=999&$skiptoken=a%2Bb%20c%27d`]);
    expect(graphSeen.every((s) => s.authorization === 'Bearer loopback-token')).toBe(true);
  });

  it('pointing to another host is refused: the token is never sent there', async () => {
    nextLinkOf = () => `${elsewhereUrl}${MEMBERS_PATH}?$skiptoken=x`;

    const error = await rejectionOf(gateway().memberIds(GROUP));

    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ code: 'foreignHost', status: 0 });
    expect(error.message).toContain(`Refused to list the members of group ${GROUP} at ${elsewhereUrl}`);
    expect(elsewhereSeen).toEqual([]);
  });

  it('pointing to the same host under another scheme is refused too', async () => {
    nextLinkOf = (base) => `${base.replace('http:', 'https:')}${MEMBERS_PATH}?$skiptoken=x`;

    await expect(gateway().memberIds(GROUP)).rejects.toMatchObject({ code: 'foreignHost' });
    expect(graphSeen).toHaveLength(1);
  });

  it('that repeats a page already read stops the listing instead of looping', async () => {
    nextLinkOf = (base) => `${base}${MEMBERS_PATH}?$top=1`;

    await expect(gateway().memberIds(GROUP)).rejects.toMatchObject({ code: 'unexpectedResponse' });
    expect(graphSeen.length).toBeLessThanOrEqual(3);
  });
});
