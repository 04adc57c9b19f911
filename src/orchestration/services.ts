import type { GraphGateway, GraphGatewayOptions } from '../graph';
import type { Telemetry } from '../telemetry';
import { appSetting } from '../settings';

/**
 * What the activities talk to, built from the environment on first use. The heavy modules (@azure/identity, the Graph
 * client, the Application Insights SDK) are loaded here, lazily, so that a cold start of the Teams webhook does not
 * pay for them: every function file is loaded when the worker starts.
 */
export interface Notifier {
  send(card: unknown): Promise<{ delivered: boolean; attempts: number }>;
}

export interface RolloutServices {
  graph: GraphGateway;
  telemetry: Telemetry;
  notifier: Notifier;
}

let current: Promise<RolloutServices> | undefined;
let graphOverrides: Partial<GraphGatewayOptions> = {};

export function services(): Promise<RolloutServices> {
  current ??= fromEnvironment(process.env);
  return current;
}

/**
 * Forget the services built so far: the next activity builds them again from the (changed) environment. The local
 * host passes gateway options here that the environment cannot express (no reports pacing on a virtual clock).
 */
export function resetServices(overrides: Partial<GraphGatewayOptions> = {}): void {
  current = undefined;
  graphOverrides = overrides;
}

async function fromEnvironment(env: NodeJS.ProcessEnv): Promise<RolloutServices> {
  const [{ getTelemetry }, { createGraphGateway, graphOptionsFromEnv }, { createNotifier }] = await Promise.all([
    import('../telemetry'),
    import('../graph'),
    import('../teams/notifier'),
  ]);
  const telemetry = getTelemetry();
  const graph = createGraphGateway({
    ...graphOptionsFromEnv(env),
    ...graphOverrides,
    onRequest: (r) =>
      telemetry.dependency({
        type: 'Microsoft Graph',
        name: `${r.method} ${r.path}`,
        target: r.path,
        durationMs: r.durationMs,
        resultCode: r.status,
        success: r.status < 400,
        properties: { attempt: String(r.attempt), throttled: String(r.throttled) },
      }),
  });
  const notifier = createNotifier({
    url: appSetting(env, 'TEAMS_NOTIFY_URL'),
    fetch: trackedFetch(telemetry),
    onFailure: (info) => telemetry.event('Notification.Failed', { reason: JSON.stringify(info) }),
  });
  return { graph, telemetry, notifier };
}

/** fetch for the notifier that records each Workflows call as a dependency (the telemetry keeps only the host). */
function trackedFetch(telemetry: Telemetry): typeof fetch {
  return async (input, init) => {
    const started = Date.now();
    const target = input instanceof Request ? input.url : String(input);
    try {
      const response = await fetch(input, init);
      telemetry.dependency({ type: 'Teams Workflows', name: 'POST card', target, durationMs: Date.now() - started, resultCode: response.status, success: response.ok });
      return response;
    } catch (error) {
      telemetry.dependency({ type: 'Teams Workflows', name: 'POST card', target, durationMs: Date.now() - started, resultCode: 0, success: false });
      throw error;
    }
  };
}
