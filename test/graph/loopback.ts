import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a loopback Graph stand-in received: when (real clock, ms), what, and with which bearer token. */
export interface Hit {
  at: number;
  method: string;
  /** Path and query as sent. */
  url: string;
  authorization: string | undefined;
}

export interface Loopback {
  url: string;
  hits: Hit[];
  close(): Promise<void>;
}

/**
 * A Graph stand-in on 127.0.0.1 that answers as `handle` decides; a handler that never ends the response plays a
 * Graph that hangs. Closing drops the connections still open, so a hanging test leaves nothing behind.
 */
export async function startLoopback(handle: (req: IncomingMessage, res: ServerResponse, hit: Hit) => void): Promise<Loopback> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const hit = { at: Date.now(), method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization };
    hits.push(hit);
    handle(req, res, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function graphJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function graphErrorJson(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  graphJson(res, status, { error: { code, message, innerError: { 'request-id': '00000000-0000-4000-8000-000000000001' } } }, headers);
}
