import { z } from 'zod';
import { toJsonPath, type PlanProblem } from '../plan';
import { MAX_REASON_LENGTH } from '../teams/commands';

/** The optional body of a control request: why the operator or approver acts (the same bound as in Teams), and for which ring. */

const REASON_RULE = `must be a string of at most ${MAX_REASON_LENGTH} characters`;
const RING_RULE = 'must be the name of a ring of the plan (1 to 64 characters)';

const controlBody = z.object(
  {
    reason: z.string({ error: REASON_RULE }).max(MAX_REASON_LENGTH, REASON_RULE).optional(),
    /** Approve or reject: the ring the approver decided about; another ring than the open checkpoint is refused. */
    ring: z.string({ error: RING_RULE }).min(1, RING_RULE).max(64, RING_RULE).optional(),
  },
  { error: 'must be a JSON object, such as {"reason": "..."}' },
);

export type ControlBody = z.output<typeof controlBody>;

export function parseControlBody(value: unknown): { ok: true; body: ControlBody } | { ok: false; errors: PlanProblem[] } {
  const parsed = controlBody.safeParse(value);
  if (parsed.success) return { ok: true, body: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => ({ path: toJsonPath(issue.path), message: issue.message })) };
}
