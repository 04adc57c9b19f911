import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verification of the `Authorization: HMAC <base64>` header Teams puts on outgoing-webhook requests: HMAC-SHA256 over
 * the raw request body, keyed by the base64-decoded security token shown when the webhook was created.
 */

const AUTHORIZATION = /^HMAC ([A-Za-z0-9+/]+={0,2})$/i;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SHA256_BYTES = 32;

/** true only when the header carries the signature of exactly these bytes under this secret; never throws. */
export function verifyTeamsSignature(rawBody: Buffer, authorizationHeader: string | undefined, base64Secret: string): boolean {
  if (!Buffer.isBuffer(rawBody) || typeof authorizationHeader !== 'string' || typeof base64Secret !== 'string') return false;
  const given = AUTHORIZATION.exec(authorizationHeader.trim())?.[1];
  const secret = base64Secret.trim();
  if (given === undefined || secret === '' || !STRICT_BASE64.test(secret) || !STRICT_BASE64.test(given)) return false;
  const signature = Buffer.from(given, 'base64');
  // Checked before timingSafeEqual, which throws on a length mismatch; the length of a digest is no secret.
  if (signature.length !== SHA256_BYTES) return false;
  const expected = createHmac('sha256', Buffer.from(secret, 'base64')).update(rawBody).digest();
  return timingSafeEqual(signature, expected);
}
