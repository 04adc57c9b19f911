import { readFile } from 'node:fs/promises';
import { validatePlan, type PlanProblem } from '../plan';
import { previewPlan, type PlanPreview } from '../plan/preview';
import { createGraphGateway, graphOptionsFromEnv, type GraphGateway } from '../graph';

export interface CommandResult {
  exitCode: number;
}

/** `authenticator-rollout plan <plan.json> [--json]`: validate, read the live configuration, show every write. Writes nothing. */
export async function planCommand(file: string, options: { json: boolean; shape?: 'featureSettings' | 'legacy' }, out: (line: string) => void): Promise<CommandResult> {
  const parsed = await readPlanFile(file);
  if (!parsed.ok) {
    if (options.json) out(JSON.stringify({ errors: parsed.errors }, null, 2));
    else {
      out(`${file}: the plan is not valid:`);
      for (const e of parsed.errors) out(`  ${e.path}: ${e.message}`);
    }
    return { exitCode: 2 };
  }
  const connection = await graphFor(options.shape);
  try {
    const config = await connection.graph.readConfig({ feature: parsed.plan.feature });
    const preview = previewPlan(parsed.plan, config);
    if (options.json) out(JSON.stringify(preview, null, 2));
    else printPreview(preview, connection.where, out);
    return { exitCode: 0 };
  } finally {
    await connection.close();
  }
}

export async function readPlanFile(file: string): Promise<{ ok: true; plan: import('../plan').RolloutPlan } | { ok: false; errors: PlanProblem[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ path: '$', message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [{ path: '$', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
  return validatePlan(json);
}

function printPreview(preview: PlanPreview, where: string, out: (line: string) => void): void {
  out(`Plan for ${preview.feature} against ${where}. Nothing is written.`);
  if (preview.note) {
    out(preview.note);
    return;
  }
  preview.changes.forEach((change, index) => {
    out('');
    out(`Ring ${index + 1}: ${change.ring} -> ${change.target}`);
    out(`  enabled target before: ${change.before ?? '(none)'}`);
    out(`  enabled target after:  ${change.after ?? '(none)'}`);
    out('  PATCH body:');
    for (const line of JSON.stringify(change.patch, null, 2).split('\n')) out(`    ${line}`);
  });
  out('');
  out('Rollback (any failure) PATCH body:');
  for (const line of JSON.stringify(preview.rollback.patch, null, 2).split('\n')) out(`  ${line}`);
}

/**
 * The tenant GRAPH_BASE_URL names, or, when it is unset, the built-in emulated tenant (the only time this command
 * touches the local host's code).
 */
async function graphFor(shape: 'featureSettings' | 'legacy' | undefined): Promise<{ graph: GraphGateway; where: string; close(): Promise<void> }> {
  const env = process.env;
  if (env.GRAPH_BASE_URL) {
    const graph = createGraphGateway(graphOptionsFromEnv(env));
    return { graph, where: `${env.GRAPH_BASE_URL} (${graph.apiVersion})`, close: async () => undefined };
  }
  const { connectGraph } = await import('../local/connect');
  return connectGraph(env, shape ? { shape } : {});
}
