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

// content-disposition@3, cookie@2 and jose@6 are ESM-only; swc turns them into CommonJS, and
// @fastify/cookie too, whose dynamic import('cookie') jest's CommonJS world cannot run.
// (jose's `exports` has only `types` and `default`, both ESM: no condition picks CommonJS.)
const ESM_ONLY = ['content-disposition', 'cookie', '@fastify/cookie', 'jose'];

/**
 * @param {string} dir the workspace directory
 * @param {object} overrides jest options; `transformAlso` names further node_modules packages
 *   swc must turn into CommonJS (on top of ESM_ONLY, which every workspace needs: @mbs/testing
 *   loads jose)
 */
module.exports = function preset(dir, { transformAlso = [], ...overrides } = {}) {
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
    transformIgnorePatterns: [`/node_modules/(?!(${[...ESM_ONLY, ...transformAlso].join('|')})/)`],
    // Workspace packages resolve through their package.json `exports`, as node would, but under
    // the `source` condition first (tsconfig.base.json's customConditions says the same to the
    // type-checker): `@mbs/bus` is libs/bus/src/index.ts, `@mbs/web/config` web's src/config.ts,
    // and a path a package does not export fails here as it would in production.
    testEnvironmentOptions: { customExportConditions: ['source', 'node', 'node-addons'] },
    testTimeout: 30_000,
    ...overrides,
  };
};
