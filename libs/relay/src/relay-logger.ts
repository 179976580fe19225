/**
 * The logging this library needs. A pino logger (`createLogger` from @mbs/telemetry) fits it as
 * is; the library does not depend on a logging package itself.
 */
export interface RelayLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export const silentLogger: RelayLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
