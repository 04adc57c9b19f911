import { randomBytes } from 'node:crypto';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableOrchestrationStatus } from 'durable-functions';
import { guarded } from '../src/api/guard';
import { problem } from '../src/api/http';
import { callerFrom } from '../src/api/principal';
import { listRollouts, rolloutStatusOf } from '../src/orchestration/control';
import { ROLLOUT_ID_PATTERN, ROLLOUT_ORCHESTRATOR } from '../src/orchestration/names';
import type { RolloutInput } from '../src/orchestration/types';

/**
 * The live dashboard, served by the Function App itself behind the same authentication as the API: GET
 * /api/dashboard lists the rollouts, /api/dashboard/{id} shows one. The rendering module loads on the first request,
 * so no other function's cold start pays for it.
 */

const REFRESH_SECONDS = 5;

export async function dashboardListHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const caller = callerFrom(request.headers);
  if (!caller.ok) return problem(401, 'Unauthorized', caller.message);
  const rollouts = await listRollouts(df.getClient(context));
  const { listPage } = await import('../src/dashboard/pages');
  const nonce = randomBytes(16).toString('base64');
  return page(listPage(rollouts, { now: new Date(), viewer: caller.caller.actor.name, nonce, refreshSeconds: REFRESH_SECONDS, apiPath: apiPathOf(request.url) }), nonce);
}

export async function dashboardRolloutHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const caller = callerFrom(request.headers);
  if (!caller.ok) return problem(401, 'Unauthorized', caller.message);
  const id = (request.params.id ?? '').toLowerCase();
  if (!ROLLOUT_ID_PATTERN.test(id)) return problem(404, 'NotFound', `no rollout has the id "${request.params.id ?? ''}"`);
  const instance = await statusWithInput(df.getClient(context), id);
  const status = instance && instance.name === ROLLOUT_ORCHESTRATOR ? rolloutStatusOf(instance) : undefined;
  if (!instance || !status) return problem(404, 'NotFound', `no rollout has the id "${id}"`);
  // The plan gives the strip its rings not yet reached and the soak its length; the status does not carry it.
  const plan = (instance.input as RolloutInput | undefined)?.plan;
  const view = plan ? { ...status, plan } : status;
  const [{ rolloutPage }, { allowedActions }] = await Promise.all([import('../src/dashboard/pages'), import('../src/dashboard/actions')]);
  const actions = allowedActions(caller.caller, view, { allowSelfApproval: process.env.ROLLOUT_ALLOW_SELF_APPROVAL === 'true' });
  const nonce = randomBytes(16).toString('base64');
  return page(rolloutPage(view, actions, { now: new Date(), viewer: caller.caller.actor.name, nonce, refreshSeconds: REFRESH_SECONDS, apiPath: apiPathOf(request.url) }), nonce);
}

/** `/api` (the Functions route prefix) from the URL of either page, with or without a trailing slash. */
function apiPathOf(url: string): string {
  const path = new URL(url).pathname;
  return path.slice(0, path.toLowerCase().lastIndexOf('/dashboard'));
}

async function statusWithInput(client: df.DurableClient, id: string): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(id, { showInput: true });
  } catch (error) {
    if (error instanceof Error && /HTTP 404/.test(error.message)) return undefined;
    throw error;
  }
}

/** The page's own script only (by nonce), no framing (the buttons steer rollouts), no referrer (a ?code= key). */
function page(body: string, nonce: string): HttpResponseInit {
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

const client = df.input.durableClient();
app.http('dashboard', { route: 'dashboard', methods: ['GET'], authLevel: 'function', extraInputs: [client], handler: guarded(dashboardListHandler) });
app.http('dashboardRollout', { route: 'dashboard/{id}', methods: ['GET'], authLevel: 'function', extraInputs: [client], handler: guarded(dashboardRolloutHandler) });
