import { readFile } from 'node:fs/promises';
import { validatePlan, type PlanProblem } from '../plan';
import { previewPlan, type PlanPreview } from '../plan/preview';
import { createGraphGateway, graphOptionsFromEnv, type GraphGateway } from '../graph';
import { checkPlan, type PlanCheck } from '../rollout/desk/check';
import { percent } from '../format';

export interface CommandResult {
  exitCode: number;
}

/**
 * `authenticator-rollout plan <plan.json> [--json]`: validate, run the rollout's preflight against the tenant (read
 * only), then show every write and the rollback. Writes nothing. Exit 2 when the plan or the tenant would make the
 * rollout fail (an invalid plan, a missing group, the method off).
 */
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
    const check = await checkPlan(connection.graph, parsed.plan, new Date());
    const preview = previewPlan(parsed.plan, check.preflight.snapshot);
    const findings = findingsOf(check);
    if (options.json) out(JSON.stringify({ ...preview, findings }, null, 2));
    else {
      printFindings(findings, connection.where, out);
      printPreview(preview, out);
    }
    return { exitCode: findings.errors.length > 0 ? 2 : 0 };
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

export interface PlanFindings {
  errors: string[];
  warnings: string[];
  rings: Array<{ ring: string; target: string; exists: boolean; displayName: string; members: number; pushRegistered: number }>;
  baselineWindow: { from: string; to: string };
  baselines: Array<{ ring: string; attempts: number; failures: number; failureRate: number }>;
}

function findingsOf(check: PlanCheck): PlanFindings {
  const { errors, warnings, rings } = check.preflight;
  return { errors, warnings, rings, baselineWindow: check.baselineWindow, baselines: check.baselines.map(({ ring, attempts, failures, failureRate }) => ({ ring, attempts, failures, failureRate })) };
}

function printFindings(findings: PlanFindings, where: string, out: (line: string) => void): void {
  out(`Preflight against ${where} (read only):`);
  for (const ring of findings.rings) {
    out(`  ring ${ring.ring}: ${ring.exists ? `${ring.displayName}, ${ring.members} members, ${ring.pushRegistered} with Authenticator push` : `group ${ring.target} NOT FOUND`}`);
  }
  for (const error of findings.errors) out(`  ERROR: ${error}`);
  for (const warning of findings.warnings) out(`  warning: ${warning}`);
  if (findings.baselines.length > 0) {
    out(`Push failure rate per ring from ${findings.baselineWindow.from} to ${findings.baselineWindow.to}, as the health gate counts it:`);
    for (const b of findings.baselines) out(`  ring ${b.ring}: ${b.failures} of ${b.attempts} Authenticator pushes failed (${percent(b.failureRate)})`);
  }
  if (findings.errors.length > 0) out('The rollout would fail on these problems: fix them before starting it.');
}

function printPreview(preview: PlanPreview, out: (line: string) => void): void {
  out('');
  out(`Plan for ${preview.feature}. Nothing is written.`);
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
