// The checks load each process's real configuration spec from its sources: `@mbs/<service>/config`
// and the like resolve through each package's `exports` (the preset's `source` condition).
module.exports = require('../jest.preset')(__dirname);
