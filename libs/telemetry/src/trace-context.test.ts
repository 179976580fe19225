import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing';
import {
  currentTraceId,
  currentTraceparent,
  extractTraceContext,
  injectTraceContext,
  withSpan,
} from './trace-context';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

describe('trace context helpers', () => {
  let tracing: InMemoryTracing;
  beforeEach(() => {
    tracing = startInMemoryTracing();
  });
  afterEach(() => tracing.shutdown());

  it('injects a W3C traceparent of the active span and nothing outside a span', async () => {
    expect(injectTraceContext({})).toEqual({});
    expect(currentTraceparent()).toBeUndefined();
    expect(currentTraceId()).toBeUndefined();

    await withSpan('publish', { kind: SpanKind.PRODUCER }, (span) => {
      const headers = injectTraceContext({ 'x-other': 1 });
      const { traceId, spanId } = span.spanContext();
      expect(headers.traceparent).toMatch(TRACEPARENT);
      expect(headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      expect(headers['x-other']).toBe(1);
      expect(currentTraceparent()).toBe(headers.traceparent);
      expect(currentTraceId()).toBe(traceId);
    });
  });

  it('round-trips: the extracted context continues the same trace in a child span', async () => {
    const headers: Record<string, unknown> = {};
    const producer = await withSpan('publish', { kind: SpanKind.PRODUCER }, (span) => {
      injectTraceContext(headers);
      return span.spanContext();
    });

    // As a consumer on another connection would: from the headers only, outside any span.
    expect(trace.getActiveSpan()).toBeUndefined();
    const extracted = extractTraceContext(headers);
    const remote = trace.getSpanContext(extracted);
    expect(remote).toMatchObject({
      traceId: producer.traceId,
      spanId: producer.spanId,
      isRemote: true,
    });

    const consumer = await withSpan(
      'consume',
      {
        kind: SpanKind.CONSUMER,
        parent: extracted,
        attributes: { 'messaging.system': 'rabbitmq' },
      },
      (span) => span.spanContext(),
    );
    expect(consumer.traceId).toBe(producer.traceId);
    expect(consumer.spanId).not.toBe(producer.spanId);

    const consumed = tracing.spans().find((span) => span.name === 'consume');
    expect(consumed?.parentSpanContext?.spanId).toBe(producer.spanId);
    expect(consumed?.kind).toBe(SpanKind.CONSUMER);
    expect(consumed?.attributes['messaging.system']).toBe('rabbitmq');
  });

  it('reads a traceparent header that arrives as a Buffer (AMQP headers may)', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const extracted = extractTraceContext({ traceparent: Buffer.from(traceparent) });
    expect(trace.getSpanContext(extracted)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('gives an empty context for a missing or malformed traceparent', () => {
    expect(trace.getSpanContext(extractTraceContext(undefined))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 'nonsense' }))).toBeUndefined();
  });

  it('withSpan records the error with an ERROR status, ends the span and rethrows', async () => {
    const failure = new Error('destination refused');
    await expect(
      withSpan('deliver', {}, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);

    const [span] = tracing.spans();
    expect(span?.name).toBe('deliver');
    expect(span?.ended).toBe(true);
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'destination refused' });
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
    expect(span?.events[0]?.attributes?.['exception.message']).toBe('destination refused');
  });

  it('withSpan returns the result with an unset status on success', async () => {
    await expect(withSpan('ok', {}, () => 42)).resolves.toBe(42);
    expect(tracing.spans()[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('withSpan nests under the active span when no parent is given', async () => {
    await withSpan('outer', {}, async (outer) => {
      await withSpan('inner', {}, (inner) => {
        expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
        expect(trace.getActiveSpan()).toBe(inner);
      });
      expect(trace.getActiveSpan()).toBe(outer);
    });
    const inner = tracing.spans().find((span) => span.name === 'inner');
    const outer = tracing.spans().find((span) => span.name === 'outer');
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
