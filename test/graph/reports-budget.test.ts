import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccessToken } from '@azure/identity';
import { createGraphGateway, InProcessReportsBudget, ReportsBudgetExceededError, type GraphGateway, type GraphGatewayOptions } from '../../src/graph';
import { fixedCredential, rejectionOf } from './harness';
import { graphErrorJson, graphJson, startLoopback, type Loopback } from './loopback';

/**
 * One report budget per tenant: every gateway of the process that calls the same tenant draws on it, and a 429 pauses
 * all of them. Measured with the arrival times a loopback Graph records, on a short window (5 requests per 500 ms).
 */

const WINDOW = { requests: 5, windowMs: 500 };
const PAGES = 6;
const TENANT_A = '0c1b2a3d-4e4f-460a-8719-2b3c4d5e6f70';
const TENANT_B = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';
const TENANT_C = '3f2e1d0c-9b8a-4776-a554-433221100ffe';
let graph: Loopback;
let answer: (req: IncomingMessage, res: ServerResponse) => void;

/** Sign-in pages 1..PAGES, each linking to the next, per reader (`r` in the filter keeps readers apart). */
function pagedSignIns(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', graph.url);
  const page = Number(url.searchParams.get('$skiptoken') ?? '1');
  url.searchParams.set('$skiptoken', String(page + 1));
  graphJson(res, 200, { value: [{ id: `record-${page}` }], ...(page < PAGES ? { '@odata.nextLink': url.toString() } : {}) });
}

beforeAll(async () => {
  graph = await startLoopback((req, res) => answer(req, res));
});

beforeEach(() => {
  graph.hits.length = 0;
  answer = pagedSignIns;
});

afterAll(async () => {
  await graph.close();
});

/** An unsigned JWT-shaped token naming its tenant, as Entra's tokens do. */
function jwtFor(tenantId: string): AccessToken {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return { token: `${part({ alg: 'none' })}.${part({ tid: tenantId })}.sig`, expiresOnTimestamp: Date.now() + 3_600_000 };
}

function gateway(options: GraphGatewayOptions = {}): GraphGateway {
  return createGraphGateway({ baseUrl: graph.url, credential: fixedCredential(() => jwtFor(TENANT_A)), reportsLimit: WINDOW, ...options });
}

async function readAll(g: GraphGateway): Promise<number> {
  let records = 0;
  for await (const page of g.signIns({ from: new Date(Date.now() - 3_600_000), to: new Date() })) records += page.length;
  return records;
}

/** The most requests that arrived within any `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] ?? Infinity) - (sorted[i] ?? 0) < windowMs) j++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('one report budget per tenant', () => {
  it('keeps two concurrent readers of one tenant (known from their tokens) within 5 requests per 500 ms together', async () => {
    const started = Date.now();

    const records = await Promise.all([readAll(gateway()), readAll(gateway())]);

    expect(records).toEqual([PAGES, PAGES]);
    expect(graph.hits).toHaveLength(2 * PAGES);
    expect(busiestWindow(graph.hits.map((h) => h.at), WINDOW.windowMs)).toBe(WINDOW.requests);
    // 12 requests at 5 per 500 ms take at least two further windows.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * WINDOW.windowMs);
  });

  it('gives another tenant its own budget (from the tenantId option or the token)', async () => {
    const other = gateway({ credential: fixedCredential(() => jwtFor(TENANT_B)) });

    await Promise.all([readAll(gateway({ tenantId: TENANT_C })), readAll(other)]);

    // Each tenant sends its first five at once: ten in the first window.
    expect(busiestWindow(graph.hits.map((h) => h.at), WINDOW.windowMs)).toBeGreaterThan(WINDOW.requests);
  });

  it("pauses every reader of the tenant for a 429's Retry-After, not only the one that got it", async () => {
    let throttledAt = 0;
    answer = (req, res) => {
      if (throttledAt !== 0) return pagedSignIns(req, res);
      throttledAt = Date.now();
      graphErrorJson(res, 429, 'TooManyRequests', 'Too many requests.', { 'retry-after': '1' });
    };
    let signalThrottled: () => void = () => undefined;
    const throttled = new Promise<void>((resolve) => (signalThrottled = resolve));
    const first = readAll(gateway({ onRequest: (r) => r.throttled && signalThrottled() }));
    // The second reader starts once the first has seen the 429 (a request already on the wire cannot be held back).
    await throttled;
    await sleep(20);
    const second = readAll(gateway());

    await Promise.all([first, second]);

    const after = graph.hits.slice(1).map((h) => h.at);
    expect(after.length).toBe(2 * PAGES);
    expect(Math.min(...after) - throttledAt).toBeGreaterThanOrEqual(1000);
  });

  it('holds the tenant off after a 429 even when the request that got it gives up', async () => {
    let throttledAt = 0;
    answer = (req, res) => {
      if (throttledAt !== 0) return pagedSignIns(req, res);
      throttledAt = Date.now();
      graphErrorJson(res, 429, 'TooManyRequests', 'Too many requests.', { 'retry-after': '1' });
    };

    await expect(readAll(gateway({ retry: { maxAttempts: 1 } }))).rejects.toMatchObject({ name: 'GraphThrottledError', attempts: 1 });
    await readAll(gateway());

    expect(graph.hits).toHaveLength(1 + PAGES);
    expect((graph.hits[1]?.at ?? 0) - throttledAt).toBeGreaterThanOrEqual(1000);
  });
});

describe('the budget says when a check cannot finish in time', () => {
  it('estimates the queue, refuses at once a request that cannot be sent before its deadline, and serves the rest in order', async () => {
    const budget = new InProcessReportsBudget({ requests: 1, windowMs: 1000 });
    const release = await budget.acquire();
    expect(budget.estimateWaitMs(1)).toBeGreaterThanOrEqual(1000);

    const started = Date.now();
    const refused = await rejectionOf(budget.acquire({ deadline: Date.now() + 300 }));
    expect(Date.now() - started).toBeLessThan(200);
    expect(refused).toBeInstanceOf(ReportsBudgetExceededError);
    expect(refused.message).toContain('cannot serve this request before its deadline');

    const cancelled = new AbortController();
    const order: string[] = [];
    const dropped = budget.acquire({ signal: cancelled.signal }).then(
      () => order.push('dropped'),
      () => order.push('cancelled'),
    );
    const next = budget.acquire().then((r) => {
      order.push('next');
      r();
    });
    cancelled.abort();
    release();
    await Promise.all([dropped, next]);
    expect(order).toEqual(['cancelled', 'next']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('lets a gateway call carry a deadline and report the queue wait', async () => {
    const g = gateway({ tenantId: TENANT_B, reportsLimit: { requests: 1, windowMs: 2000 } });
    await readAllPages(g, 1);

    expect(await g.reportsWaitMs(1)).toBeGreaterThan(1000);
    const error = await rejectionOf(readAllPages(g, 1, Date.now() + 500));
    expect(error).toBeInstanceOf(ReportsBudgetExceededError);
  });
});

async function readAllPages(g: GraphGateway, pages: number, deadline?: number): Promise<void> {
  let read = 0;
  for await (const page of g.signIns({ from: new Date(Date.now() - 60_000), to: new Date(), ...(deadline === undefined ? {} : { deadline }) })) {
    void page;
    if (++read >= pages) return;
  }
}
