import { verifyWrite, type PlannedWrite } from '../../policy';
import type { AuthenticatorConfig } from '../../policy/types';
import type { GraphGateway } from '../../graph';
import type { WriteResult } from '../types';

/**
 * One PATCH, verified by read-back; no PATCH when the tenant already shows the intended state. The durable engine
 * delivers an activity at least once, so a retried swap or rollback must not write twice.
 */
export async function verifiedWrite(graph: GraphGateway, current: AuthenticatorConfig, planned: PlannedWrite): Promise<WriteResult> {
  if (verifyWrite(current, planned, current).ok) {
    return { enabledTarget: planned.expected.enabledTarget, written: false, summary: `${planned.summary} (already in effect)` };
  }
  await graph.writeConfig(planned.body, (readBack) => verifyWrite(current, planned, readBack));
  return { enabledTarget: planned.expected.enabledTarget, written: true, summary: planned.summary };
}
