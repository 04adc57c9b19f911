import type { TokenCredential } from '@azure/identity';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { graphScopeFor, type GraphBase } from './config';
import { credentialError, foreignHostError, type Redact } from './error-mapping';
import { raceAbort, requestStateOf, urlOf } from './request-state';

const REDACTED = '[redacted]';
/** Tokens rotate about hourly; the last few are enough to redact whatever could still echo one. */
const TOKENS_REMEMBERED = 8;

/**
 * Puts the managed identity's bearer token on requests to the configured Graph base and refuses every other URL.
 * Replaces the stock AuthenticationHandler, which attaches tokens only to https Graph hosts (so never to a loopback
 * emulator) and would otherwise decide for itself where tokens may go.
 */
export class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;
  private readonly tokensSeen = new Set<string>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly base: GraphBase,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  /** Replaces every token this middleware has handed out, for text that leaves the gateway. */
  readonly redact: Redact = (text) => {
    let clean = text;
    for (const token of this.tokensSeen) clean = clean.split(token).join(REDACTED);
    return clean.replace(/(bearer\s+)[\w\-.~+/]+=*/gi, `$1${REDACTED}`);
  };

  private remember(token: string): void {
    this.tokensSeen.delete(token);
    this.tokensSeen.add(token);
    const oldest = this.tokensSeen.values().next().value;
    if (this.tokensSeen.size > TOKENS_REMEMBERED && oldest !== undefined) this.tokensSeen.delete(oldest);
  }

  async execute(context: Context): Promise<void> {
    const state = requestStateOf(context);
    const url = urlOf(context);
    if (url.origin !== this.base.origin || !url.pathname.startsWith(`${this.base.pathPrefix}/`)) {
      state.failure = foreignHostError(state.operation, url, this.base.url);
      throw state.failure;
    }
    let token: string | undefined;
    const signal = state.signal;
    const claims = state.refreshToken?.claims;
    try {
      // Raced as well: a credential that ignores the signal must not hold the request past its timeout.
      token = (await raceAbort(this.credential.getToken(graphScopeFor(this.base), { ...(signal ? { abortSignal: signal } : {}), ...(claims ? { claims } : {}) }), signal))?.token;
    } catch (error) {
      // A timeout or a cancel is the retry middleware's to report, not a credential failure.
      if (state.abortCause() !== undefined) throw error;
      state.failure = credentialError(state.operation, error, this.redact);
      throw state.failure;
    }
    if (token === undefined || token === '') {
      state.failure = credentialError(state.operation, undefined, this.redact);
      throw state.failure;
    }
    this.remember(token);
    context.options = { ...context.options, headers: withAuthorization(context.options?.headers, `Bearer ${token}`) };
    if (!this.next) throw new Error('BearerTokenMiddleware must be followed by the HTTP handler.');
    await this.next.execute(context);
  }
}

function withAuthorization(headers: ConstructorParameters<typeof Headers>[0], value: string): Headers {
  const merged = new Headers(headers);
  merged.set('Authorization', value);
  return merged;
}
