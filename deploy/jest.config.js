const path = require('node:path');
const preset = require('../jest.preset')(__dirname);

// The checks load each process's real configuration spec from its sources. Services and the
// gateway are not libs, so the preset's `@mbs/<name>` -> `libs/<name>` mapping does not reach
// them: `@mbs/<service>/<file>` maps to that workspace's src/<file>.ts (tsconfig.json `paths`
// says the same to the type-checker). These entries come first.
const root = path.join(__dirname, '..');
module.exports = {
  ...preset,
  moduleNameMapper: {
    '^@mbs/gateway/(.+)$': path.join(root, 'gateway/src/$1.ts'),
    '^@mbs/(appointment|fhir-builder|relay-dispatcher|relay-emulator|hospital-sink|web)/(.+)$':
      path.join(root, 'services/$1/src/$2.ts'),
    ...preset.moduleNameMapper,
  },
};
