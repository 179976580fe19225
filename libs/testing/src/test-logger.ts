import { createLogger, type Logger } from '@mbs/telemetry';

/** A logger for suites: silent, unless LOG_LEVEL=debug asks to see what the code under test says. */
export function testLogger(service: string): Logger {
  return createLogger({ service, level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent' });
}
