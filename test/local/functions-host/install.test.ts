import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('installFunctionsCore in a plain node process', () => {
  test('makes @azure/functions register with the local core instead of switching to test mode', async () => {
    const install = join(__dirname, '../../../src/local/functions-host/install.js');
    const registry = join(__dirname, '../../../src/local/functions-host/registry.js');
    const fixtures = join(__dirname, '../../fixtures/durable-app/index.js');
    const script = `
      require(${JSON.stringify(install)}).installFunctionsCore();
      const { loadFunctionApp } = require(${JSON.stringify(registry)});
      const { FIXTURE_MODULES } = require(${JSON.stringify(fixtures)});
      const names = loadFunctionApp(FIXTURE_MODULES).list().map((f) => f.name);
      process.stdout.write(JSON.stringify(names));`;
    const { stdout, stderr } = await run(process.execPath, ['-e', script], { timeout: 15_000 });
    expect(stderr).not.toMatch(/test mode/);
    expect(JSON.parse(stdout)).toEqual(expect.arrayContaining(['Greet', 'Sequence', 'Counter', 'StartOrchestration']));
  });
});
