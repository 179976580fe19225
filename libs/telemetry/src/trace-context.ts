import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

/**
 * Where trace context travels: AMQP message headers, relay frame fields, HTTP headers.
 * Values other than strings (AMQP headers may hold numbers, buffers) are ignored on extract.
 */
export type TraceCarrier = Record<string, unknown>;

/** What the W3C propagator writes into a carrier. */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

const setter: TextMapSetter<TraceCarrier> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

const getter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    return undefined;
  },
};

/**
 * Writes `traceparent` (and `tracestate` when there is one) of the active context into the
 * carrier, through whatever propagator is registered. Writes nothing when there is no valid span.
 */
export function injectTraceContext<C extends TraceCarrier>(
  carrier: C,
  from: Context = context.active(),
): C & TraceHeaders {
  propagation.inject(from, carrier, setter);
  return carrier as C & TraceHeaders;
}

/**
 * Reads trace context from a carrier into a Context (ROOT_CONTEXT as the base, so nothing of
 * the receiver's current work leaks in). Use it as `parent` of the consumer's span.
 */
export function extractTraceContext(carrier: TraceCarrier | undefined | null): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier, getter) : ROOT_CONTEXT;
}

export interface WithSpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The context to continue (e.g. from `extractTraceContext`); the active context otherwise. */
  readonly parent?: Context;
}

/**
 * Runs `fn` inside a new active span and ends it when `fn` settles. A thrown error (or rejected
 * promise) is recorded on the span with an ERROR status and rethrown unchanged.
 */
export async function withSpan<T>(
  name: string,
  options: WithSpanOptions,
  fn: (span: Span) => T | Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer('@mbs/telemetry');
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * The W3C `traceparent` of the active span (`00-<trace id>-<span id>-<flags>`), or undefined
 * outside one. Formatted from the span context, so it does not depend on the registered
 * propagator: use it where a W3C value is required (relay frames); use `injectTraceContext`
 * to carry context in general.
 */
export function currentTraceparent(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The trace id of the active span (32 hex digits), or undefined outside one. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
