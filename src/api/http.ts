/** Small helpers for the HTTP edge: every refusal is a 4xx with a JSON body that names the problem. */

export const MAX_BODY_BYTES = 64 * 1024;

export interface JsonResponse {
  status: number;
  jsonBody: unknown;
  headers?: Record<string, string>;
}

export function problem(status: number, error: string, message: string, extra: Record<string, unknown> = {}): JsonResponse {
  return { status, jsonBody: { error, message, ...extra } };
}

export interface RequestLike {
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type BodyResult = { ok: true; raw: Buffer } | { ok: false; response: JsonResponse };

/** Reads the body with the 64 KiB limit, refusing early on Content-Length when it is declared. */
export async function readBody(request: RequestLike, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return { ok: false, response: tooLarge(declared, limit) };
  const raw = Buffer.from(await request.arrayBuffer());
  if (raw.length > limit) return { ok: false, response: tooLarge(raw.length, limit) };
  return { ok: true, raw };
}

function tooLarge(size: number, limit: number): JsonResponse {
  return problem(413, 'PayloadTooLarge', `the body has ${size} bytes; at most ${limit} bytes (${limit / 1024} KiB) are accepted`);
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; response: JsonResponse };

/** Content-Type must be JSON (415 otherwise) and the body must parse (400 otherwise). */
export function parseJsonBody(raw: Buffer, contentType: string | null, options: { allowEmpty?: boolean } = {}): JsonResult {
  if (raw.length === 0 && options.allowEmpty) return { ok: true, value: {} };
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json' && !mediaType?.endsWith('+json')) {
    return { ok: false, response: problem(415, 'UnsupportedMediaType', `the body must be JSON (Content-Type: application/json), not "${mediaType || 'none'}"`) };
  }
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch (error) {
    return { ok: false, response: { status: 400, jsonBody: { errors: [{ path: '$', message: `is not valid JSON: ${(error as Error).message}` }] } } };
  }
}
