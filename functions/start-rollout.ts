import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { guarded } from '../src/api/guard';
import { parseJsonBody, problem, readBody } from '../src/api/http';
import { callerFrom, missingRole, ROLES } from '../src/api/principal';
import { rolloutView, statusUrlFor } from '../src/api/views';
import { validatePlan } from '../src/plan';
import { startRollout } from '../src/rollout/desk/start';

/** POST /api/rollouts: validate the plan and start a rollout unless one of the same feature is active. */
export async function startRolloutHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const caller = callerFrom(request.headers);
  if (!caller.ok) return problem(401, 'Unauthorized', caller.message);
  const refusal = missingRole(caller.caller, ROLES.operator);
  if (refusal) return problem(403, 'Forbidden', `${refusal} to start a rollout`);
  const body = await readBody(request);
  if (!body.ok) return body.response;
  const json = parseJsonBody(body.raw, request.headers.get('content-type'));
  if (!json.ok) return json.response;
  const plan = validatePlan(json.value);
  if (!plan.ok) return { status: 400, jsonBody: { errors: plan.errors } };

  const client = df.getClient(context);
  const result = await startRollout(client, plan.plan, caller.caller.actor, { statusUrl: (id) => statusUrlFor(request.url, id) });
  if (result.kind === 'conflict') {
    return {
      status: 409,
      jsonBody: {
        error: 'Conflict',
        message: `rollout ${result.activeRolloutId} is already active for ${plan.plan.feature}; wait for it to end or abort it`,
        activeRolloutId: result.activeRolloutId,
      },
    };
  }
  const management = client.createHttpManagementPayload(result.id);
  return {
    status: 202,
    headers: { Location: statusUrlFor(request.url, result.id) },
    jsonBody: { ...management, id: result.id, statusUrl: statusUrlFor(request.url, result.id), rollout: rolloutView(result.status) },
  };
}

app.http('startRollout', { route: 'rollouts', methods: ['POST'], authLevel: 'function', extraInputs: [df.input.durableClient()], handler: guarded(startRolloutHandler) });
