import { trace } from '@opentelemetry/api';
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { redactSecrets, redactSecretsIn } from './secrets';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** The service name, on every line as `service`. */
  readonly service: string;
  readonly level?: LevelWithSilent;
  /** Where lines go; standard output unless a test wants to read them. */
  readonly destination?: pino.DestinationStream;
}

/**
 * Structured JSON logs. Every line written inside an active span carries `trace_id` and
 * `span_id`, so a log line leads to its trace and a trace to its log lines. A relay token or a
 * signature in a message or a field (a URL in an error, say) is written as `REDACTED`.
 */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactSecretsIn(fields),
      },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg));
          return method.apply(this, redacted as Parameters<typeof method>);
        },
      },
      mixin() {
        const context = trace.getActiveSpan()?.spanContext();
        return context && trace.isSpanContextValid(context)
          ? { trace_id: context.traceId, span_id: context.spanId }
          : {};
      },
    },
    destination,
  );
}
