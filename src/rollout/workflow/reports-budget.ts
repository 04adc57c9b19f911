import type { EntityContext } from 'durable-functions';

/**
 * Graph allows 5 identity-and-access report requests per 10 s per app and tenant, whatever instance sends them. The
 * gateway paces the requests of its own process; this entity, shared by every rollout on every instance, hands each
 * health check a start time so that checks of several rollouts take turns instead of throttling each other.
 */

/** A paced report request: 5 per 10 s. */
export const MS_PER_REPORT_REQUEST = 2_000;

export interface ReportsBudgetState {
  /** Epoch ms from which the budget is free again. */
  freeFromMs: number;
}

export interface Reservation {
  /** How many report requests the check expects to send (its previous check's count). */
  requests: number;
  /** The rollout's current time (entities must not read a clock of their own to stay deterministic on replay). */
  nowMs: number;
}

export function reportsBudgetEntity(context: EntityContext<ReportsBudgetState>): void {
  const state = context.df.getState(() => ({ freeFromMs: 0 })) ?? { freeFromMs: 0 };
  if (context.df.operationName === 'reserve') {
    const reservation = context.df.getInput<Reservation>();
    const nowMs = reservation?.nowMs ?? 0;
    const startMs = Math.max(nowMs, state.freeFromMs);
    state.freeFromMs = startMs + Math.max(1, reservation?.requests ?? 1) * MS_PER_REPORT_REQUEST;
    context.df.setState(state);
    context.df.return({ startMs });
    return;
  }
  context.df.setState(state);
  context.df.return({ startMs: state.freeFromMs });
}
