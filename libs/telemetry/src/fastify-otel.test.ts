import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { eventually } from '@mbs/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { fastifyOtelInstrumentation, fastifyOtelPlugin } from './fastify-otel';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing';
import { currentTraceparent } from './trace-context';

// A caller's trace, as a browser or the gateway would send it.
const CALLER_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

describe('fastifyOtelPlugin (a plugin: works inside jest without patching)', () => {
  let tracing: InMemoryTracing;
  let app: FastifyInstance;

  beforeEach(async () => {
    tracing = startInMemoryTracing();
    // The instrumentation is one per process; point it at this test's provider.
    fastifyOtelInstrumentation().setTracerProvider(trace.getTracerProvider());
    app = Fastify();
    await app.register(fastifyOtelPlugin());
    app.get('/appointments/:id', async () => ({ traceparent: currentTraceparent() }));
    app.get('/broken', async () => {
      throw new Error('modality unreachable');
    });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
    await tracing.shutdown();
  });

  /** The request span ends in fastify's onResponse hook, which may run after inject returns. */
  const serverSpan = (): Promise<ReadableSpan> =>
    eventually(
      () => tracing.spans().find((span) => span.kind === SpanKind.SERVER),
      'the server span of the request',
    );

  it('opens a server span for an inject request, continuing the caller and active in the handler', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/appointments/a-42',
      headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01` },
    });
    expect(response.statusCode).toBe(200);

    const span = await serverSpan();
    expect(span.spanContext().traceId).toBe(CALLER_TRACE_ID);
    expect(span.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(span.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/appointments/:id',
      'url.path': '/appointments/a-42',
      'http.response.status_code': 200,
    });
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    // The handler runs in a span of its own below the request span, so its logs and the
    // messages it publishes carry the caller's trace.
    const { traceparent } = response.json<{ traceparent: string }>();
    const [, traceId, activeSpanId] = traceparent.split('-');
    expect(traceId).toBe(CALLER_TRACE_ID);
    const handlerSpan = tracing.spans().find((s) => s.spanContext().spanId === activeSpanId);
    expect(handlerSpan?.name).toMatch(/^handler/);
    expect(handlerSpan?.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
  });

  it('starts a new trace when the request carries none', async () => {
    await app.inject({ method: 'GET', url: '/appointments/a-43' });
    const span = await serverSpan();
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceId).not.toBe(CALLER_TRACE_ID);
    expect(span.parentSpanContext).toBeUndefined();
  });

  it('records a failing handler as an error span with the exception', async () => {
    const response = await app.inject({ method: 'GET', url: '/broken' });
    expect(response.statusCode).toBe(500);

    const span = await serverSpan();
    expect(span.attributes['http.response.status_code']).toBe(500);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    const exception = span.events.find((event) => event.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('modality unreachable');
  });
});
