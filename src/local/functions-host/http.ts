import { fromRpcData } from './rpc';

export interface LocalHttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Buffer;
  params?: Record<string, string>;
}

export interface LocalHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The RPC http trigger data the worker receives from the host for one request. */
export function toRpcHttpTrigger(request: LocalHttpRequest): Record<string, unknown> {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    headers: request.headers ?? {},
    query: Object.fromEntries(url.searchParams.entries()),
    params: request.params ?? {},
    body: request.body && request.body.length > 0 ? { bytes: request.body } : undefined,
  };
}

/** The RPC http response `@azure/functions` produced (`toRpcHttp`), as a plain status, headers and body. */
export function fromRpcHttpResponse(value: unknown): LocalHttpResponse {
  if (value === null || value === undefined) return { status: 204, headers: {}, body: Buffer.alloc(0) };
  if (typeof value !== 'object') throw new Error('The HTTP function returned something that is not an HTTP response.');
  const rpc = value as { statusCode?: string; headers?: Record<string, string>; body?: unknown };
  const body = fromRpcData(rpc.body);
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body));
  return { status: Number(rpc.statusCode ?? 200), headers: { ...(rpc.headers ?? {}) }, body: bytes };
}
