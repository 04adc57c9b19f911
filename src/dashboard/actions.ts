import { missingRole, ROLES, type Caller } from '../api/principal';
import { statusesFor, type ControlAction } from '../rollout/desk/control';
import type { RolloutView } from './glance';

/**
 * The control buttons a caller sees: the actions that apply to the rollout's status and that the API would let this
 * caller take (Rollout.Approver for approve and reject, Rollout.Operator for the others, and no approving a rollout
 * one started oneself). Without App Service Authentication headers the API's only gate is the function key, which the
 * caller then holds, so every applicable action is shown.
 */

export const CONTROL_ACTIONS: readonly ControlAction[] = ['approve', 'reject', 'pause', 'resume', 'abort'];

export function allowedActions(caller: Caller, view: RolloutView, options: { allowSelfApproval: boolean }): ControlAction[] {
  return CONTROL_ACTIONS.filter((action) => {
    if (!statusesFor(action).includes(view.status)) return false;
    const approving = action === 'approve' || action === 'reject';
    if (missingRole(caller, approving ? ROLES.approver : ROLES.operator) !== null) return false;
    const self = caller.actor.id !== undefined && view.startedBy.id !== undefined && caller.actor.id.toLowerCase() === view.startedBy.id.toLowerCase();
    return !(action === 'approve' && self && !options.allowSelfApproval);
  });
}
