import { z } from 'zod';
import { planEnable } from '../../policy';
import type { GraphGateway } from '../../graph';
import { services } from '../services';
import type { EnableRingInput, WriteResult } from '../types';
import { feature, parseActivityInput, rolloutId, settle, type ActivityResult } from './input';
import { verifiedWrite } from './write';

/** The swap: moves the feature's one enabled target to the ring with one verified PATCH. */

const enableRingInput: z.ZodType<EnableRingInput> = z.object({ rolloutId, feature, ring: z.string(), target: z.string() });

export async function enableRing(gateway: GraphGateway, input: EnableRingInput): Promise<WriteResult> {
  const graph = gateway.forFeature(input.feature);
  const current = await graph.readConfig();
  return verifiedWrite(graph, current, planEnable(current, input.feature, input.target));
}

export function enableRingActivity(input: unknown): Promise<ActivityResult<WriteResult>> {
  return settle(async () => enableRing((await services()).graph, parseActivityInput('enableRingActivity', enableRingInput, input)));
}
