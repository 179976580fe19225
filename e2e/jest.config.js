// Every suite here starts the whole system; they run one at a time, after the parallel stage.
module.exports = require('../jest.preset')(__dirname, {
  testMatch: ['<rootDir>/src/**/*.e2e.test.ts', '<rootDir>/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120_000,
  maxWorkers: 1,
});
