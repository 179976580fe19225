// The OTLP exporter loads `http` with a dynamic import(), which jest's CommonJS runtime refuses
// ("invoked without --experimental-vm-modules"); letting swc turn it into require() lets the
// export test send real OTLP/HTTP requests. Plain node (services) is unaffected.
module.exports = require('../../jest.preset')(__dirname, {
  transformAlso: ['@opentelemetry/otlp-exporter-base'],
});
