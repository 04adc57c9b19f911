import fc from 'fast-check';
import { REDACTED, scrubSecrets } from '../../src/telemetry';

const HMAC_TOKEN = 'q0V9sJ3m1XyZ8bT4nR2wLk7pQa5cFh6dEg0uIoPzS1M=';
const WORKFLOW_URL =
  'https://prod-27.westeurope.logic.azure.com:443/workflows/8c1f0e2a/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zx9yFakeSignatureValue0123456789';
const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLXBhcnQ';

describe('scrubSecrets', () => {
  it('removes every listed secret wherever it appears in the text', () => {
    const text = `token ${HMAC_TOKEN} again ${HMAC_TOKEN}`;
    expect(scrubSecrets(text, [HMAC_TOKEN])).toBe(`token ${REDACTED} again ${REDACTED}`);
  });

  it('removes a listed secret also when it appears URL-encoded or JSON-escaped', () => {
    const secret = 'a+b/c"d=secret';
    const text = `q=${encodeURIComponent(secret)} json=${JSON.stringify(secret)}`;
    const scrubbed = scrubSecrets(text, [secret]);
    expect(scrubbed).not.toContain(encodeURIComponent(secret));
    expect(scrubbed).not.toContain(JSON.stringify(secret).slice(1, -1));
  });

  it('does not treat values shorter than 8 characters as secrets, so ordinary words survive', () => {
    expect(scrubSecrets('ring pilot enabled', ['pilot', ''])).toBe('ring pilot enabled');
  });

  it('redacts a bearer token but keeps the word Bearer so the log still says what was there', () => {
    expect(scrubSecrets(`Authorization: Bearer ${JWT}`, [])).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(scrubSecrets('authorization: bearer abc.def-ghi_jkl', [])).toBe(`authorization: Bearer ${REDACTED}`);
  });

  it('redacts JWT-shaped strings even without a Bearer prefix', () => {
    expect(scrubSecrets(`token=${JWT};`, [])).toBe(`token=${REDACTED};`);
  });

  it('redacts a whole Workflows webhook URL, also inside JSON', () => {
    expect(scrubSecrets(`posting to ${WORKFLOW_URL} failed`, [])).toBe(`posting to ${REDACTED} failed`);
    const json = JSON.stringify({ url: WORKFLOW_URL, status: 502 });
    expect(scrubSecrets(json, [])).toBe(`{"url":"${REDACTED}","status":502}`);
  });

  it('redacts Power Platform Workflows URLs, with or without a sig parameter', () => {
    const url = 'https://default0a1b2c.d3.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke';
    expect(scrubSecrets(`url ${url}`, [])).toBe(`url ${REDACTED}`);
  });

  it('redacts Workflows URLs written without their scheme but keeps a bare host name', () => {
    expect(scrubSecrets('prod-27.westeurope.logic.azure.com/workflows/8c1f0e2a/triggers', [])).toBe(REDACTED);
    expect(scrubSecrets('host prod-27.westeurope.logic.azure.com answered 502', [])).toBe(
      'host prod-27.westeurope.logic.azure.com answered 502',
    );
  });

  it('redacts any URL that carries a sig parameter, whatever its host', () => {
    expect(scrubSecrets('see https://example.org/x?a=1&sig=abc123 now', [])).toBe(`see ${REDACTED} now`);
  });

  it('redacts the value of a sig parameter outside a URL', () => {
    expect(scrubSecrets('query was sig=abcdef&sv=1', [])).toBe(`query was sig=${REDACTED}&sv=1`);
  });

  it('redacts code, access_token and client_secret query parameters and keeps the rest of the URL', () => {
    const url = 'https://rollout.azurewebsites.net/api/teams/approvals?code=FuNcTiOnKeY123&rollout=r-42';
    expect(scrubSecrets(url, [])).toBe(`https://rollout.azurewebsites.net/api/teams/approvals?code=${REDACTED}&rollout=r-42`);
    expect(scrubSecrets('GET /x?a=1&access_token=abc&client_secret=def', [])).toBe(
      `GET /x?a=1&access_token=${REDACTED}&client_secret=${REDACTED}`,
    );
  });

  it('keeps a status code written in prose', () => {
    expect(scrubSecrets('Graph answered status code=429, retrying', [])).toBe('Graph answered status code=429, retrying');
  });

  it('keeps an ordinary Graph URL intact', () => {
    const url = "https://graph.microsoft.com/v1.0/groups/5f1c/members?$select=id&$filter=startswith(displayName,'A')";
    expect(scrubSecrets(url, [])).toBe(url);
  });

  it('redacts the Teams HMAC signature of a refused webhook call', () => {
    expect(scrubSecrets('Authorization: HMAC dGhpc2lzYXNpZ25hdHVyZXZhbHVl0A==', [])).toBe(`Authorization: HMAC ${REDACTED}`);
  });

  it('redacts keys inside storage connection strings', () => {
    const cs = 'DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc+def/ghi==;EndpointSuffix=core.windows.net';
    expect(scrubSecrets(cs, [])).toBe(`DefaultEndpointsProtocol=https;AccountName=st;AccountKey=${REDACTED};EndpointSuffix=core.windows.net`);
  });

  it('leaves text without secrets unchanged', () => {
    const text = 'Ring pilot enabled for numberMatching on group 7a1d (soak PT24H)';
    expect(scrubSecrets(text, [HMAC_TOKEN])).toBe(text);
  });

  it('never lets a listed secret through, whatever surrounds it', () => {
    const secret = fc
      .stringMatching(/^[A-Za-z0-9+/]{8,48}$/)
      .filter((s) => !`Bearer ${REDACTED} HMAC ${REDACTED}`.includes(s));
    fc.assert(
      fc.property(fc.string(), secret, fc.string(), (before, s, after) => {
        expect(scrubSecrets(`${before}${s}${after}`, [s])).not.toContain(s);
      }),
      { numRuns: 300 },
    );
  });
});
