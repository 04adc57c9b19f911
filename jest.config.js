/** Tests run on the compiled output in dist/, the same JavaScript that deploys. `npm test` compiles first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  // The local functions host plays the worker's part: it answers @azure/functions-core, as the worker does in Azure.
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/dist/src/local/functions-host/core.js' },
  testTimeout: 30000,
  maxWorkers: 2,
};
