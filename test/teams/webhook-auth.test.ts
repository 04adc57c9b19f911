import { createHmac, randomBytes } from 'node:crypto';
import { verifyTeamsSignature } from '../../src/teams/webhook-auth';

const secret = randomBytes(32).toString('base64');
const body = Buffer.from(
  JSON.stringify({ type: 'message', id: '1485983408511', text: '<at>Rollout</at> approve r7k2m9xq', timestamp: '2025-01-01T00:00:00.000Z' }),
  'utf8',
);

/** Signs like Teams does: HMAC-SHA256 of the raw bytes, keyed by the decoded token. */
function signLikeTeams(raw: Buffer, base64Secret: string): string {
  return `HMAC ${createHmac('sha256', Buffer.from(base64Secret, 'base64')).update(raw).digest('base64')}`;
}

describe('Teams outgoing webhook signature', () => {
  it('accepts a body signed the way Teams signs it', () => {
    expect(verifyTeamsSignature(body, signLikeTeams(body, secret), secret)).toBe(true);
  });

  it('refuses the body when a single byte was changed after signing', () => {
    const header = signLikeTeams(body, secret);
    const tampered = Buffer.from(body);
    tampered[tampered.length - 3] = (tampered[tampered.length - 3]! + 1) % 256;
    expect(verifyTeamsSignature(tampered, header, secret)).toBe(false);
  });

  it('refuses a signature made with another secret', () => {
    const other = randomBytes(32).toString('base64');
    expect(verifyTeamsSignature(body, signLikeTeams(body, other), secret)).toBe(false);
  });

  it('refuses a signature over re-serialised JSON instead of the raw bytes', () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 2));
    expect(verifyTeamsSignature(body, signLikeTeams(pretty, secret), secret)).toBe(false);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', signLikeTeams(body, secret).replace('HMAC', 'Bearer')],
    ['no signature after the scheme', 'HMAC '],
    ['a signature that is not base64', 'HMAC not*base64!'],
    ['two signatures', `${signLikeTeams(body, secret)} ${signLikeTeams(body, secret).slice(5)}`],
  ])('refuses %s', (_name, header) => {
    expect(verifyTeamsSignature(body, header, secret)).toBe(false);
  });

  it('refuses, without throwing, a signature of the wrong length', () => {
    const short = `HMAC ${Buffer.alloc(16, 1).toString('base64')}`;
    const long = `HMAC ${Buffer.alloc(64, 1).toString('base64')}`;
    expect(() => verifyTeamsSignature(body, short, secret)).not.toThrow();
    expect(verifyTeamsSignature(body, short, secret)).toBe(false);
    expect(verifyTeamsSignature(body, long, secret)).toBe(false);
  });

  it('refuses everything when the configured secret is empty or not base64', () => {
    const header = signLikeTeams(body, secret);
    expect(verifyTeamsSignature(body, header, '')).toBe(false);
    expect(verifyTeamsSignature(body, header, 'not base64 at all!')).toBe(false);
    // An empty key would make every signature computable by anyone.
    expect(verifyTeamsSignature(body, signLikeTeams(body, ''), '')).toBe(false);
  });

  it('accepts the scheme in any case, as HTTP authentication schemes are case-insensitive', () => {
    expect(verifyTeamsSignature(body, signLikeTeams(body, secret).replace('HMAC', 'hmac'), secret)).toBe(true);
  });
});
