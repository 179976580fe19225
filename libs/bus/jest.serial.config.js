// Suites that disturb the shared broker (a restart) run alone, after the parallel ones.
module.exports = require('../../jest.preset')(__dirname, {
  testMatch: ['<rootDir>/src/**/*.serial.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
});
