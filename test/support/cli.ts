import { resolve } from 'node:path';

/** The compiled command line, as `npm start`, `npm run serve` and `npx authenticator-rollout` run it. */
export const CLI = resolve(__dirname, '../../src/cli/main.js');

/** Settings that would point a child process at a real Graph, identity, Teams or Application Insights. */
const OUTWARD_SETTINGS = ['GRAPH_BASE_URL', 'GRAPH_API_VERSION', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'TEAMS_NOTIFY_URL', 'APPLICATIONINSIGHTS_CONNECTION_STRING'];

/**
 * The environment for a child process of the CLI: this process's, without anything that points outward (so it uses
 * the built-in emulated tenant and sends nothing anywhere), plus the test's own settings.
 */
export function childEnv(settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of OUTWARD_SETTINGS) delete env[name];
  return Object.assign(env, settings);
}
