import { readPlanFile } from './plan-command';
import type { RolloutPlan } from '../plan';

const SCENARIO_NAMES = ['happy', 'health-breach', 'reject'] as const;
type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** `npm start [-- --scenario happy|health-breach|reject] [--plan <file>]`. Exit code 0 when the scenario behaved as expected. */
export async function demoCommand(options: { scenario: string; planFile?: string; shape?: 'featureSettings' | 'legacy' }, out: (line: string) => void): Promise<number> {
  if (!(SCENARIO_NAMES as readonly string[]).includes(options.scenario)) {
    process.stderr.write(`authenticator-rollout: unknown scenario "${options.scenario}"; use ${SCENARIO_NAMES.join(', ')}\n`);
    return 2;
  }
  let plan: RolloutPlan | undefined;
  if (options.planFile) {
    const parsed = await readPlanFile(options.planFile);
    if (!parsed.ok) {
      out(`${options.planFile}: the plan is not valid:`);
      for (const e of parsed.errors) out(`  ${e.path}: ${e.message}`);
      return 2;
    }
    plan = parsed.plan;
  }
  // The local functions host must answer `@azure/functions-core` before anything loads @azure/functions.
  const { installFunctionsCore } = await import('../local/functions-host/install');
  installFunctionsCore();
  const { runDemo } = await import('../local/demo');
  const result = await runDemo({
    scenario: options.scenario as ScenarioName,
    out,
    ...(plan ? { plan } : {}),
    ...(options.shape ? { shape: options.shape } : {}),
  });
  return result.ok ? 0 : 1;
}
