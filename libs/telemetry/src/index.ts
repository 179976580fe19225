export { createLogger, type Logger, type LoggerOptions } from './logger';
export {
  httpInstrumentation,
  startTelemetry,
  telemetrySettings,
  type Telemetry,
  type TelemetryOptions,
  type TelemetrySettings,
} from './start-telemetry';
export { fastifyOtelPlugin, fastifyOtelInstrumentation } from './fastify-otel';
export {
  currentTraceId,
  currentTraceparent,
  extractTraceContext,
  injectTraceContext,
  withSpan,
  type TraceCarrier,
  type TraceHeaders,
  type WithSpanOptions,
} from './trace-context';
export { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing';
export { SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
export { REDACTED_QUERY_PARAMETERS, redactSecrets, redactSecretsIn } from './secrets';
export {
  beginProcess,
  type BegunProcess,
  type ProcessContext,
  type ProcessDefinition,
  type ProcessIdentity,
  type RunningProcess,
} from './run-process';
