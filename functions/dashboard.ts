import { randomBytes } from 'node:crypto';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { guarded } from '../src/api/guard';
import { problem } from '../src/api/http';
import { callerFrom } from '../src/api/principal';
import { apiPathOf, htmlPage, REFRESH_SECONDS } from '../src/dashboard/response';
import { listRollouts } from '../src/rollout/desk/list';

/**
 * GET /api/dashboard: the live list of rollouts, served by the Function App itself behind the same authentication as
 * the API. The rendering module loads on the first request, so no other function's cold start pays for it.
 */
export async function dashboardListHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const caller = callerFrom(request.headers);
  if (!caller.ok) return problem(401, 'Unauthorized', caller.message);
  const rollouts = await listRollouts(df.getClient(context));
  const { listPage } = await import('../src/dashboard/pages');
  const nonce = randomBytes(16).toString('base64');
  return htmlPage(listPage(rollouts, { now: new Date(), viewer: caller.caller.actor.name, nonce, refreshSeconds: REFRESH_SECONDS, apiPath: apiPathOf(request.url) }), nonce);
}

app.http('dashboard', { route: 'dashboard', methods: ['GET'], authLevel: 'function', extraInputs: [df.input.durableClient()], handler: guarded(dashboardListHandler) });
