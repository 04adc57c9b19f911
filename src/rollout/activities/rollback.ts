import { z } from 'zod';
import { planRollback } from '../../policy';
import type { GraphGateway } from '../../graph';
import { services } from '../services';
import type { RollbackInput, RollbackResult } from '../types';
import { authenticatorConfig, feature, parseActivityInput, rolloutId, settle, type ActivityResult } from './input';
import { verifiedWrite } from './write';

/** The rollback: reads the tenant, then one verified PATCH of the feature's entry back to the snapshot's. */

const rollbackInput: z.ZodType<RollbackInput> = z.object({
  rolloutId,
  feature,
  mode: z.enum(['default', 'snapshot']),
  snapshot: authenticatorConfig,
  rolloutTargets: z.array(z.string()),
  reason: z.string(),
});

export async function rollback(gateway: GraphGateway, input: RollbackInput): Promise<RollbackResult> {
  const graph = gateway.forFeature(input.feature);
  const current = await graph.readConfig();
  const planned = planRollback(input.snapshot, current, input.feature, input.mode, input.rolloutTargets);
  return { ...(await verifiedWrite(graph, current, planned)), verified: true };
}

export function rollbackActivity(input: unknown): Promise<ActivityResult<RollbackResult>> {
  return settle(async () => rollback((await services()).graph, parseActivityInput('rollbackActivity', rollbackInput, input)));
}
