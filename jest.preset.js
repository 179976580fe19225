// Shared jest configuration: every workspace's jest.config.js is `require('../../jest.preset')(__dirname)`.
// Tests run TypeScript through @swc/jest (fast, no type-check: `npm run typecheck` does that).
// Workspace packages resolve to their sources, so tests never need a prior build.
const path = require('node:path');

const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** @param {string} dir the workspace directory */
module.exports = function preset(dir, overrides = {}) {
  const root = __dirname;
  return {
    rootDir: dir,
    displayName: path.relative(root, dir),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    // `*.serial.test.ts` disturb shared services (a broker restart): `npm run test:serial` runs
    // them alone, after every parallel suite (see jest.serial.config.js).
    testPathIgnorePatterns: ['/node_modules/', '\\.serial\\.test\\.ts$'],
    transform: { '^.+\\.(t|j|mj)s$': swc },
    // content-disposition@3 and cookie@2 are ESM-only; let swc turn them into CommonJS, and
    // @fastify/cookie too, whose dynamic import('cookie') jest's CommonJS world cannot run.
    transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie|@fastify/cookie)/)'],
    moduleNameMapper: {
      '^@mbs/([a-z-]+)$': path.join(root, 'libs/$1/src/index.ts'),
    },
    testTimeout: 30_000,
    ...overrides,
  };
};
