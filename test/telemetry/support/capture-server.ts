import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The parts of Application Insights envelopes (events, metrics, dependencies, exceptions) the tests read. */
export interface BaseData {
  name?: string;
  properties?: Record<string, string>;
  measurements?: Record<string, number>;
  metrics?: Array<{ name: string; value: number; count?: number }>;
  exceptions?: Array<{ typeName: string; message: string; parsedStack?: unknown[] }>;
  target?: string;
  resultCode?: string;
  duration?: string;
  success?: boolean;
}

export interface Envelope {
  name: string;
  data: { baseType: string; baseData: BaseData };
}

/** A loopback stand-in for the Application Insights ingestion endpoint (`POST /v2.1/track`), over HTTPS. */
export interface CaptureServer {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The self-signed certificate, for `NODE_EXTRA_CA_CERTS` of the process that sends. */
  caFile: string;
  envelopes(): Envelope[];
  /** Every request line and (decompressed) body received, for byte-level checks. */
  rawRequests(): string[];
  waitFor(predicate: (envelopes: Envelope[]) => boolean, timeoutMs: number): Promise<Envelope[]>;
  close(): Promise<void>;
}

export interface CaptureOptions {
  /** Answer each request only after this long (an ingestion endpoint that hangs). */
  holdRequestsMs?: number;
}

export async function startCaptureServer(options: CaptureOptions = {}): Promise<CaptureServer> {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-capture-'));
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore', timeout: 20_000 });

  const envelopes: Envelope[] = [];
  const raw: string[] = [];
  const held: NodeJS.Timeout[] = [];
  const server: Server = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const gzipped = req.headers['content-encoding'] === 'gzip' || (body[0] === 0x1f && body[1] === 0x8b);
      const text = (gzipped ? gunzipSync(body) : body).toString('utf8');
      raw.push(`${req.method} ${req.url}\n${text}`);
      if (options.holdRequestsMs === undefined) answer();
      else held.push(setTimeout(answer, options.holdRequestsMs));

      function answer(): void {
        if (req.method !== 'POST' || !req.url?.startsWith('/v2.1/track')) {
          res.writeHead(404).end();
          return;
        }
        const received = JSON.parse(text) as Envelope[];
        envelopes.push(...received);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: received.length, itemsAccepted: received.length, errors: [] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    caFile,
    envelopes: () => [...envelopes],
    rawRequests: () => [...raw],
    async waitFor(predicate, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(envelopes) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return [...envelopes];
    },
    async close() {
      held.forEach(clearTimeout);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
