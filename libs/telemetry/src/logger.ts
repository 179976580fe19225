import { trace } from '@opentelemetry/api';
import pino, { type Logger, type LevelWithSilent } from 'pino';

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
 * `span_id`, so a log line leads to its trace and a trace to its log lines.
 */
export function createLogger({ service, level = 'info', destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
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
