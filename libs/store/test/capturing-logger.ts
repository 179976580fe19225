import { createLogger, type Logger } from '@mbs/telemetry';

/** A logger whose JSON lines a test can read. Test-only; not exported from the package. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = createLogger({
    service: 'store-test',
    level: 'debug',
    destination: { write: (line: string) => void raw.push(line) },
  });
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
