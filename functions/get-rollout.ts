import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { guarded } from '../src/api/guard';
import { problem } from '../src/api/http';
import { rolloutView } from '../src/api/views';
import { rolloutStatusOf, tryGetStatus } from '../src/rollout/desk/describe';
import { ROLLOUT_ID_PATTERN, ROLLOUT_ORCHESTRATOR } from '../src/rollout/names';

/** GET /api/rollouts/{id}: one rollout's status. */
export async function getRolloutHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const id = (request.params.id ?? '').toLowerCase();
  if (!ROLLOUT_ID_PATTERN.test(id)) return problem(404, 'NotFound', `no rollout has the id "${request.params.id ?? ''}"`);
  const instance = await tryGetStatus(df.getClient(context), id);
  const status = instance && instance.name === ROLLOUT_ORCHESTRATOR ? rolloutStatusOf(instance) : undefined;
  if (!status) return problem(404, 'NotFound', `no rollout has the id "${id}"`);
  return { status: 200, jsonBody: rolloutView(status) };
}

app.http('getRollout', { route: 'rollouts/{id}', methods: ['GET'], authLevel: 'function', extraInputs: [df.input.durableClient()], handler: guarded(getRolloutHandler) });
