import { parseArgs } from 'node:util';
import { CLIENT_USAGE, clientCommand, isClientCommand } from './client/commands';
import { planCommand } from './plan-command';

const USAGE = `authenticator-rollout <command>

Commands:
  plan <plan.json> [--json] [--shape featureSettings|legacy]
        Validate a plan, read the live configuration and print every PATCH the rollout would send. Writes nothing.
        Uses Graph at GRAPH_BASE_URL, or the built-in emulated tenant when it is unset.
  demo [--scenario happy|health-breach|reject] [--plan <file>] [--shape featureSettings|legacy]
        A complete rollout on the local durable host, the emulated tenant and a virtual clock (what \`npm start\` runs).
  serve [--bundle build/functions.js]
        The local host in real time: the HTTP API, the Teams webhook, the dashboard and the status timer on PORT
        (default 7071), printing one line per transition of every rollout.
        --bundle runs the deployment bundle made by \`npm run build\` instead of the separate function files.

Client commands, against a running instance (serve locally, the Function App in Azure):
${CLIENT_USAGE}
`;

type Shape = 'featureSettings' | 'legacy';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  if (isClientCommand(command)) {
    const io = { out, err: (line: string) => void process.stderr.write(`${line}\n`), write: (text: string) => void process.stdout.write(text), isTTY: process.stdout.isTTY === true, env: process.env };
    return clientCommand(command, rest, io);
  }
  switch (command) {
    case 'plan': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, shape: { type: 'string' } },
      });
      const file = positionals[0];
      if (!file || positionals.length > 1) return usage('plan takes exactly one plan file');
      const shape = parseShape(values.shape);
      if (shape === null) return usage('--shape must be featureSettings or legacy');
      return (await planCommand(file, { json: values.json, ...(shape ? { shape } : {}) }, out)).exitCode;
    }
    case 'demo': {
      const { values } = parseArgs({
        args: rest,
        options: { scenario: { type: 'string', default: 'happy' }, plan: { type: 'string' }, shape: { type: 'string' } },
      });
      const shape = parseShape(values.shape);
      if (shape === null) return usage('--shape must be featureSettings or legacy');
      const { demoCommand } = await import('./demo-command');
      return demoCommand({ scenario: values.scenario, ...(values.plan ? { planFile: values.plan } : {}), ...(shape ? { shape } : {}) }, out);
    }
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { bundle: { type: 'string' } } });
      const { installFunctionsCore } = await import('../local/functions-host/install');
      installFunctionsCore();
      const { serveCommand } = await import('./serve-command');
      return serveCommand(out, values.bundle ? { bundle: values.bundle } : {});
    }
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      return usage(`unknown command "${command}"`);
  }
}

function parseShape(value: string | undefined): Shape | undefined | null {
  if (value === undefined) return undefined;
  return value === 'featureSettings' || value === 'legacy' ? value : null;
}

function usage(problem: string): number {
  process.stderr.write(`authenticator-rollout: ${problem}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.exitCode = usage(error.message);
      return;
    }
    process.stderr.write(`authenticator-rollout: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
