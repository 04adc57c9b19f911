/** Tests run on the compiled output in dist/, the same JavaScript that deploys. `npm test` compiles first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 30000,
  maxWorkers: 2,
};
