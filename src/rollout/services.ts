import type { GraphGateway, GraphGatewayOptions } from '../graph';
import type { Telemetry } from '../telemetry';
import type { Notifier } from '../teams/notifier';
import { appSetting } from '../settings';

/**
 * The composition root: what the activities, the webhook and the timer talk to. Each entry point configures it once
 * at start-up with what it needs (the Functions app from its app settings; `serve`, the demo and the tests with the
 * Graph they point at). The heavy modules (@azure/identity, the Graph client, the Application Insights SDK) load on
 * first use, so that a cold start of the Teams webhook does not pay for them: every function file is loaded when the
 * worker starts.
 */

export interface RolloutServices {
  graph: GraphGateway;
  telemetry: Telemetry;
  notifier: Notifier;
}

export interface ServiceConfiguration {
  /** Where the app settings come from (TEAMS_NOTIFY_URL, GRAPH_*, APPLICATIONINSIGHTS_*). */
  env: NodeJS.ProcessEnv;
  /** Gateway options the settings cannot express: an emulated tenant's URL and credential, no reports pacing on a virtual clock. */
  graph?: Partial<GraphGatewayOptions>;
}

let configuration: ServiceConfiguration | undefined;
let built: Promise<RolloutServices> | undefined;

export function configureServices(config: ServiceConfiguration): void {
  configuration = config;
  built = undefined;
}

export function services(): Promise<RolloutServices> {
  if (!configuration) return Promise.reject(new Error('the rollout services are not configured: the entry point must call configureServices at start-up'));
  built ??= build(configuration);
  return built;
}

async function build({ env, graph: graphOverrides = {} }: ServiceConfiguration): Promise<RolloutServices> {
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
