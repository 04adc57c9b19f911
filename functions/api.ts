import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { callerFrom, missingRole, ROLES } from '../src/api/principal';
import { parseJsonBody, problem, readBody } from '../src/api/http';
import { validatePlan } from '../src/plan';
import { controlRollout, listRollouts, rolloutStatusOf, startRollout, tryGetStatus, type ControlAction } from '../src/orchestration/control';
import { ROLLOUT_ID_PATTERN, ROLLOUT_ORCHESTRATOR } from '../src/orchestration/names';
import { rolloutView, statusUrlFor } from '../src/api/views';
import { guarded } from '../src/api/guard';

/** The start and control API. authLevel 'function' in Azure; App Service Authentication roles when its headers are present. */

const CONTROL_ACTIONS: ReadonlySet<string> = new Set(['approve', 'reject', 'pause', 'resume', 'abort']);

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

export async function listRolloutsHandler(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const rollouts = await listRollouts(df.getClient(context));
  return { status: 200, jsonBody: { rollouts: rollouts.map(rolloutView) } };
}

export async function getRolloutHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const id = (request.params.id ?? '').toLowerCase();
  if (!ROLLOUT_ID_PATTERN.test(id)) return problem(404, 'NotFound', `no rollout has the id "${request.params.id ?? ''}"`);
  const instance = await tryGetStatus(df.getClient(context), id);
  const status = instance && instance.name === ROLLOUT_ORCHESTRATOR ? rolloutStatusOf(instance) : undefined;
  if (!status) return problem(404, 'NotFound', `no rollout has the id "${id}"`);
  return { status: 200, jsonBody: rolloutView(status) };
}

export async function controlRolloutHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const action = (request.params.action ?? '').toLowerCase();
  if (!CONTROL_ACTIONS.has(action)) return problem(404, 'NotFound', `unknown action "${request.params.action ?? ''}"; use approve, reject, pause, resume or abort`);
  const caller = callerFrom(request.headers);
  if (!caller.ok) return problem(401, 'Unauthorized', caller.message);
  const role = action === 'approve' || action === 'reject' ? ROLES.approver : ROLES.operator;
  const refusal = missingRole(caller.caller, role);
  if (refusal) return problem(403, 'Forbidden', `${refusal} to ${action} a rollout`);
  const id = (request.params.id ?? '').toLowerCase();
  if (!ROLLOUT_ID_PATTERN.test(id)) return problem(404, 'NotFound', `no rollout has the id "${request.params.id ?? ''}"`);

  const body = await readBody(request);
  if (!body.ok) return body.response;
  const json = parseJsonBody(body.raw, request.headers.get('content-type'), { allowEmpty: true });
  if (!json.ok) return json.response;
  const reason = reasonOf(json.value);
  if (reason === null) return { status: 400, jsonBody: { errors: [{ path: '$.reason', message: 'must be a string of at most 500 characters' }] } };

  const result = await controlRollout(df.getClient(context), id, action as ControlAction, caller.caller.actor, reason, {
    allowSelfApproval: process.env.ROLLOUT_ALLOW_SELF_APPROVAL === 'true',
  });
  switch (result.kind) {
    case 'not-found':
      return problem(404, 'NotFound', `no rollout has the id "${id}"`);
    case 'conflict':
      return problem(409, 'Conflict', result.reason, { status: result.status });
    case 'forbidden':
      return problem(403, 'Forbidden', result.reason);
    case 'accepted':
      return { status: 202, jsonBody: { id, action, event: result.event, message: `${action} sent to rollout ${id}` } };
  }
}

/** undefined: no reason given; null: an unusable one. */
function reasonOf(body: unknown): string | undefined | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const reason = (body as { reason?: unknown }).reason;
  if (reason === undefined) return undefined;
  return typeof reason === 'string' && reason.length <= 500 ? reason : null;
}

const client = df.input.durableClient();
app.http('startRollout', { route: 'rollouts', methods: ['POST'], authLevel: 'function', extraInputs: [client], handler: guarded(startRolloutHandler) });
app.http('listRollouts', { route: 'rollouts', methods: ['GET'], authLevel: 'function', extraInputs: [client], handler: guarded(listRolloutsHandler) });
app.http('getRollout', { route: 'rollouts/{id}', methods: ['GET'], authLevel: 'function', extraInputs: [client], handler: guarded(getRolloutHandler) });
app.http('controlRollout', { route: 'rollouts/{id}/{action}', methods: ['POST'], authLevel: 'function', extraInputs: [client], handler: guarded(controlRolloutHandler) });
