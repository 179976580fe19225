/**
 * Preload: `node --require @mbs/telemetry/register dist/main.js` starts telemetry before any
 * module of the service is loaded, so http, amqplib and mongoose are patched whatever main.ts
 * imports first. The service name comes from OTEL_SERVICE_NAME (or the npm package name when run
 * through an npm script). main.ts then gets the same instance, to shut it down, by calling
 * `startTelemetry(...)` again.
 */
import { startTelemetry } from './start-telemetry';

startTelemetry({
  serviceName:
    process.env['OTEL_SERVICE_NAME'] ?? process.env['npm_package_name'] ?? 'unknown_service:node',
});
