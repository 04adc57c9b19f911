import type { HttpResponseInit } from '@azure/functions';

/** What both dashboard pages answer with: the HTML and the headers that keep it to itself. */

export const REFRESH_SECONDS = 5;

/** `/api` (the Functions route prefix) from the URL of either page, with or without a trailing slash. */
export function apiPathOf(url: string): string {
  const path = new URL(url).pathname;
  return path.slice(0, path.toLowerCase().lastIndexOf('/dashboard'));
}

/** The page's own script only (by nonce), no framing (the buttons steer rollouts), no referrer (a ?code= key). */
export function htmlPage(body: string, nonce: string): HttpResponseInit {
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    },
    body,
  };
}
