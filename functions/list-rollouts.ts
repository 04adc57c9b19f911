import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { guarded } from '../src/api/guard';
import { rolloutView } from '../src/api/views';
import { listRollouts } from '../src/rollout/desk/list';

/** GET /api/rollouts: active and recent rollouts, newest first. */
export async function listRolloutsHandler(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const rollouts = await listRollouts(df.getClient(context));
  return { status: 200, jsonBody: { rollouts: rollouts.map(rolloutView) } };
}

app.http('listRollouts', { route: 'rollouts', methods: ['GET'], authLevel: 'function', extraInputs: [df.input.durableClient()], handler: guarded(listRolloutsHandler) });
