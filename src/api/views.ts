import type { RolloutStatus } from '../rollout/types';

/** The API's view of a rollout: the documented fields first, then the details cards and people need. */
export function rolloutView(status: RolloutStatus): Record<string, unknown> {
  return {
    id: status.id,
    status: status.status,
    feature: status.feature,
    currentRing: status.currentRing,
    enabledTarget: status.enabledTarget,
    nextCheckpointAt: status.nextCheckpointAt,
    health: status.health,
    message: status.message,
    history: status.history,
    startedBy: status.startedBy,
    warnings: status.warnings,
    ...(status.historyOmitted ? { historyOmitted: status.historyOmitted } : {}),
    ...(status.approval ? { approval: status.approval } : {}),
    ...(status.pause ? { pause: status.pause } : {}),
    ...(status.shape ? { shape: status.shape } : {}),
    ...(status.rings ? { rings: status.rings } : {}),
    ...(status.plan ? { plan: status.plan } : {}),
    ...(status.soak !== undefined ? { soak: status.soak } : {}),
    ...(status.healthSeries ? { healthSeries: status.healthSeries } : {}),
  };
}

/**
 * The rollout's status route, built from the public base URL when configured (ROLLOUT_PUBLIC_BASE_URL), else from the
 * request's own origin. Never carries a key: a browser reaches it through App Service Authentication.
 */
export function statusUrlFor(requestUrl: string, id: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.ROLLOUT_PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? new URL(requestUrl).origin;
  return `${base}/api/rollouts/${encodeURIComponent(id)}`;
}
