import pino, { type Logger } from 'pino';

/**
 * A logger for suites: silent, unless LOG_LEVEL=debug asks to see what the code under test says.
 * Plain pino (the type every service's logger has) rather than @mbs/telemetry's, so that
 * telemetry's own suites can use this library without a dependency cycle.
 */
export function testLogger(service: string): Logger {
  return pino({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent', base: { service } });
}
