const path = require('node:path');
const preset = require('../../jest.preset')(__dirname);

// The integration suites run a relay emulator in-process; it is a service, not a lib, so the
// preset's `@mbs/<name>` -> `libs/<name>` mapping does not find it. This entry comes first.
module.exports = {
  ...preset,
  moduleNameMapper: {
    '^@mbs/relay-emulator$': path.join(__dirname, '../relay-emulator/src/index.ts'),
    ...preset.moduleNameMapper,
  },
};
