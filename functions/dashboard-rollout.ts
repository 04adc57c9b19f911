import { randomBytes } from 'node:crypto';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { guarded } from '../src/api/guard';
import { problem } from '../src/api/http';
import { callerFrom } from '../src/api/principal';
import { apiPathOf, htmlPage, REFRESH_SECONDS } from '../src/dashboard/response';
import { selfApprovalAllowed } from '../src/rollout/desk/control';
import { rolloutStatusOf, tryGetStatus } from '../src/rollout/desk/describe';
import { ROLLOUT_ID_PATTERN, ROLLOUT_ORCHESTRATOR } from '../src/rollout/names';

/** GET /api/dashboard/{id}: one rollout's rings, soak, health trend, pending approval and the buttons the caller may use. */
export async function dashboardRolloutHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const caller = callerFrom(request.headers);
  if (!caller.ok) return problem(401, 'Unauthorized', caller.message);
  const id = (request.params.id ?? '').toLowerCase();
  if (!ROLLOUT_ID_PATTERN.test(id)) return problem(404, 'NotFound', `no rollout has the id "${request.params.id ?? ''}"`);
  const instance = await tryGetStatus(df.getClient(context), id);
  const status = instance && instance.name === ROLLOUT_ORCHESTRATOR ? rolloutStatusOf(instance) : undefined;
  if (!status) return problem(404, 'NotFound', `no rollout has the id "${id}"`);
  const [{ rolloutPage }, { allowedActions }] = await Promise.all([import('../src/dashboard/pages'), import('../src/dashboard/actions')]);
  const actions = allowedActions(caller.caller, status, { allowSelfApproval: selfApprovalAllowed() });
  const nonce = randomBytes(16).toString('base64');
  return htmlPage(rolloutPage(status, actions, { now: new Date(), viewer: caller.caller.actor.name, nonce, refreshSeconds: REFRESH_SECONDS, apiPath: apiPathOf(request.url) }), nonce);
}

app.http('dashboardRollout', { route: 'dashboard/{id}', methods: ['GET'], authLevel: 'function', extraInputs: [df.input.durableClient()], handler: guarded(dashboardRolloutHandler) });
