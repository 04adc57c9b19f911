import type { RolloutView } from '../../dashboard/glance';
import type { AuthHeaders } from './auth';
import { ClientError, EXIT } from './errors';

/**
 * The rollout API of a running instance (`serve` locally, the Function App in Azure), over Node's fetch. Every
 * refusal becomes a ClientError with the API's own sentence and the exit code of its class.
 */

export const DEFAULT_URL = 'http://127.0.0.1:7071';
const TIMEOUT_MS = 30_000;

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
}

export class RolloutApi {
  private readonly base: string;

  constructor(
    url: string,
    private readonly auth: AuthHeaders,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ClientError(`--url "${url}" is not a URL (for example ${DEFAULT_URL})`, EXIT.usage);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ClientError(`--url must be http or https, not ${parsed.protocol}`, EXIT.usage);
    // Accept the app's root or its /api; routes are appended to /api.
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '').replace(/\/api$/, '')}/api`;
  }

  /** The origin only: what messages may show (a URL given with ?code= must not leak the key). */
  get where(): string {
    return new URL(this.base).origin;
  }

  async list(): Promise<RolloutView[]> {
    const answer = await this.call('GET', '/rollouts');
    const rollouts = answer.json.rollouts;
    if (!Array.isArray(rollouts)) throw new ClientError(`${this.where} answered without a list of rollouts; is it an authenticator-rollout app?`, EXIT.error);
    return rollouts.map((r) => viewOf(r, this.where));
  }

  async get(id: string): Promise<RolloutView> {
    return viewOf((await this.call('GET', `/rollouts/${encodeURIComponent(id)}`)).json, this.where);
  }

  async start(plan: unknown): Promise<{ id: string; rollout?: RolloutView }> {
    const answer = await this.call('POST', '/rollouts', plan);
    const id = answer.json.id;
    if (typeof id !== 'string') throw new ClientError(`${this.where} accepted the plan but named no rollout id`, EXIT.error);
    return { id, ...(answer.json.rollout ? { rollout: viewOf(answer.json.rollout, this.where) } : {}) };
  }

  async control(id: string, action: string, body: { reason?: string; ring?: string }): Promise<string> {
    const answer = await this.call('POST', `/rollouts/${encodeURIComponent(id)}/${action}`, body);
    return typeof answer.json.message === 'string' ? answer.json.message : `${action} sent to rollout ${id}`;
  }

  private async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    let headers: Record<string, string>;
    try {
      headers = { accept: 'application/json', ...(await this.auth()) };
    } catch (error) {
      throw new ClientError(`could not sign in to ${this.where}: ${firstLine(error)}`, EXIT.unauthenticated);
    }
    const init: RequestInit = { method, headers, signal: AbortSignal.timeout(TIMEOUT_MS) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, init);
    } catch (error) {
      throw new ClientError(`cannot reach ${this.where}: ${causeOf(error)}; is \`authenticator-rollout serve\` running, or is --url right?`, EXIT.unreachable);
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      const parsed = text ? (JSON.parse(text) as unknown) : {};
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      // An HTML error page (a gateway, App Service Authentication's sign-in redirect): the status says enough.
    }
    if (response.ok) return { status: response.status, json };
    throw refusal(response.status, json, method, path, this.where);
  }
}

function refusal(status: number, json: Record<string, unknown>, method: string, path: string, where: string): ClientError {
  const said = typeof json.message === 'string' ? json.message : undefined;
  switch (status) {
    case 401:
      return new ClientError(`not signed in to ${where} (401)${said ? `: ${said}` : ''}; pass --key (ROLLOUT_FUNCTION_KEY) or --app-id (ROLLOUT_APP_ID)`, EXIT.unauthenticated);
    case 403:
      return new ClientError(`forbidden (403): ${said ?? 'the caller lacks the app role for this'}`, EXIT.forbidden);
    case 404:
      return new ClientError(`not found (404): ${said ?? `${method} ${path}`}`, EXIT.notFound);
    case 409: {
      const state = typeof json.status === 'string' ? ` [status ${json.status}]` : typeof json.activeRolloutId === 'string' ? ` [active rollout ${json.activeRolloutId}]` : '';
      return new ClientError(`conflict (409): ${said ?? 'the rollout is not in a state this applies to'}${state}`, EXIT.conflict);
    }
    case 400:
    case 413:
    case 415: {
      const errors = Array.isArray(json.errors) ? (json.errors as Array<{ path?: unknown; message?: unknown }>).map((e) => `${String(e.path)} ${String(e.message)}`) : [];
      return new ClientError(`refused (${status}): ${errors.length > 0 ? errors.join('; ') : (said ?? 'the request was refused')}`, EXIT.refused);
    }
    default:
      return new ClientError(`${where} answered ${status}${said ? `: ${said}` : ''}`, status >= 500 ? EXIT.unavailable : EXIT.error);
  }
}

/** The fields every view has; anything else is passed on as the API sent it. */
function viewOf(value: unknown, where: string): RolloutView {
  const v = value as Partial<RolloutView> | null;
  if (!v || typeof v !== 'object' || typeof v.id !== 'string' || typeof v.status !== 'string' || !Array.isArray(v.history)) {
    throw new ClientError(`${where} answered with something that is not a rollout`, EXIT.error);
  }
  return { ...v, startedBy: v.startedBy ?? { name: 'unknown', via: 'api' }, warnings: v.warnings ?? [] } as RolloutView;
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : firstLine(cause);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
