import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/**
 * The azd postprovision hook that grants the identity its Graph permissions, run as azd runs it (node, with the azd
 * environment's values), against a loopback Graph that answers the three calls it makes the way Graph does, including
 * the "does not exist" of an identity that has not replicated yet and the 403 of a deployer who may not grant.
 * `azd auth token` is a stand-in on PATH that prints a token, as the real one does.
 */

jest.setTimeout(60_000);

const REPO_ROOT = resolve(__dirname, '../../..');
const HOOK = join(REPO_ROOT, 'infra/hooks/grant-graph-permissions.mjs');
const PERMISSIONS = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/graph-permissions.json'), 'utf8')) as string[];
const GRAPH_SP = '5f2a7c1e-0000-4000-8000-00000000beef';
const IDENTITY = '9d1c3e5a-0000-4000-8000-00000000cafe';
const TOKEN = 'token-from-azd-auth-token';
const ROLE_IDS = new Map(PERMISSIONS.map((p, i) => [p, `0000000${i}-1111-4222-8333-444444444444`]));

interface FakeGraph {
  /** How many reads of the identity's assignments answer 404 first (replication). */
  unknownFor: number;
  denyGrants: boolean;
  granted: Array<{ principalId: string; resourceId: string; appRoleId: string }>;
  authorizations: Set<string>;
}

let server: Server;
let graphUrl = '';
let shims = '';
let graph: FakeGraph;

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function handle(request: IncomingMessage, response: ServerResponse, body: string): void {
  graph.authorizations.add(request.headers.authorization ?? '');
  const url = decodeURIComponent(request.url ?? '');
  if (request.method === 'GET' && url.startsWith("/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')")) {
    return send(response, 200, { id: GRAPH_SP, appRoles: [...ROLE_IDS].map(([value, id]) => ({ value, id })).concat([{ value: 'User.Read.All', id: 'ffffffff-1111-4222-8333-444444444444' }]) });
  }
  if (url.startsWith(`/v1.0/servicePrincipals/${IDENTITY}/appRoleAssignments`)) {
    if (graph.unknownFor > 0) {
      graph.unknownFor--;
      return send(response, 404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${IDENTITY}' does not exist or one of its queried reference-property objects are not present.` } });
    }
    if (request.method === 'GET') return send(response, 200, { value: graph.granted.map((g) => ({ appRoleId: g.appRoleId, resourceId: g.resourceId })) });
    if (graph.denyGrants) return send(response, 403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
    const assignment = JSON.parse(body) as FakeGraph['granted'][number];
    graph.granted.push(assignment);
    return send(response, 201, { id: 'assignment', ...assignment });
  }
  send(response, 404, { error: { code: 'NotFound', message: `no route ${request.method} ${url}` } });
}

function runHook(): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [HOOK], {
      env: { PATH: `${shims}${delimiter}${process.env.PATH ?? ''}`, GRAPH_BASE_URL: graphUrl, AZURE_MANAGED_IDENTITY_PRINCIPAL_ID: IDENTITY, GRANT_GRAPH_PERMISSIONS_TIMEOUT: '40' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => done({ code, output }));
  });
}

beforeAll(async () => {
  shims = mkdtempSync(join(tmpdir(), 'azd-shim-'));
  writeFileSync(join(shims, 'azd'), `#!/bin/sh\necho '{"token":"${TOKEN}","expiresOn":"2099-01-01T00:00:00Z"}'\n`);
  chmodSync(join(shims, 'azd'), 0o755);
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handle(request, response, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  graphUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(shims, { recursive: true, force: true });
});

describe('the postprovision Graph grant', () => {
  it('waits while the new identity is unknown to Graph, then grants each permission once, by role id', async () => {
    graph = { unknownFor: 1, denyGrants: false, granted: [], authorizations: new Set() };
    const result = await runHook();
    expect(result.code).toBe(0);
    expect(result.output).toContain('not known to Microsoft Graph yet (replication); retrying in 5 s');
    expect(graph.granted).toEqual(PERMISSIONS.map((p) => ({ principalId: IDENTITY, resourceId: GRAPH_SP, appRoleId: ROLE_IDS.get(p) })));
    expect([...graph.authorizations]).toEqual([`Bearer ${TOKEN}`]);
    expect(result.output).not.toContain(TOKEN);
  });

  it('grants nothing again on a later azd provision when everything is already granted', async () => {
    const before = graph.granted.length;
    graph = { ...graph, unknownFor: 0 };
    const result = await runHook();
    expect(result.code).toBe(0);
    expect(graph.granted).toHaveLength(before);
    expect(result.output).toContain(`Microsoft Graph permissions of the identity: ${PERMISSIONS.join(', ')}`);
  });

  it('tells a deployer who may not grant what is missing and how an administrator grants it, and lets azd go on', async () => {
    graph = { unknownFor: 0, denyGrants: true, granted: [], authorizations: new Set() };
    const result = await runHook();
    expect(result.code).toBe(0);
    expect(result.output).toContain('WARNING: you may not grant Microsoft Graph application permissions (403: Authorization_RequestDenied)');
    expect(result.output).toContain(`until ${PERMISSIONS.join(', ')} are granted to the identity ${IDENTITY}`);
    expect(result.output).toContain('infra/PERMISSIONS.md ("Granting by hand")');
    expect(graph.granted).toEqual([]);
    expect(result.output).not.toContain(TOKEN);
  });
});
