import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { parseControlBody } from '../src/api/control-body';
import { guarded } from '../src/api/guard';
import { parseJsonBody, problem, readBody } from '../src/api/http';
import { callerFrom, missingRole, ROLES } from '../src/api/principal';
import { controlRollout, selfApprovalAllowed, type ControlAction } from '../src/rollout/desk/control';
import { ROLLOUT_ID_PATTERN } from '../src/rollout/names';

/** POST /api/rollouts/{id}/{action}: approve, reject, pause, resume or abort, with an optional reason (and ring). */

const CONTROL_ACTIONS: ReadonlySet<string> = new Set<ControlAction>(['approve', 'reject', 'pause', 'resume', 'abort']);

export async function controlRolloutHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const action = (request.params.action ?? '').toLowerCase();
  if (!isControlAction(action)) return problem(404, 'NotFound', `unknown action "${request.params.action ?? ''}"; use approve, reject, pause, resume or abort`);
  // A form on another site, sent with a signed-in approver's cookie, must not steer a rollout.
  if (request.headers.get('sec-fetch-site') === 'cross-site') return problem(403, 'Forbidden', 'control requests from another site are refused');
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
  const control = parseControlBody(json.value);
  if (!control.ok) return { status: 400, jsonBody: { errors: control.errors } };

  const result = await controlRollout(df.getClient(context), id, action, caller.caller.actor, control.body.reason, {
    allowSelfApproval: selfApprovalAllowed(),
    ...(control.body.ring !== undefined ? { ring: control.body.ring } : {}),
  });
  switch (result.kind) {
    case 'not-found':
      return problem(404, 'NotFound', `no rollout has the id "${id}"`);
    case 'conflict':
      return problem(409, 'Conflict', result.reason, { status: result.status, ...(result.currentRing ? { currentRing: result.currentRing } : {}) });
    case 'forbidden':
      return problem(403, 'Forbidden', result.reason);
    case 'accepted':
      return { status: 202, jsonBody: { id, action, event: result.event, message: `${action} sent to rollout ${id}` } };
  }
}

function isControlAction(action: string): action is ControlAction {
  return CONTROL_ACTIONS.has(action);
}

app.http('controlRollout', { route: 'rollouts/{id}/{action}', methods: ['POST'], authLevel: 'function', extraInputs: [df.input.durableClient()], handler: guarded(controlRolloutHandler) });
