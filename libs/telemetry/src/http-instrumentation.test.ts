import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { SpanKind, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing';
import { currentTraceparent, withSpan } from './trace-context';

/**
 * Inside jest, enable() alone patches nothing (jest's require bypasses the instrumentation's
 * require hook), so the instrumentation's own patch is applied to the `http` module here, and
 * undone afterwards because it is the process-wide module object.
 */
function applyToHttp(instrumentation: HttpInstrumentation): () => void {
  const definition = instrumentation.getModuleDefinitions().find((d) => d.name === 'http');
  if (!definition?.patch || !definition.unpatch) throw new Error('no http module definition');
  const { patch, unpatch } = definition;
  patch(http);
  return () => unpatch(http);
}

describe('http instrumentation (applied explicitly)', () => {
  let tracing: InMemoryTracing;
  let instrumentation: HttpInstrumentation;
  let undo: () => void;

  beforeEach(() => {
    tracing = startInMemoryTracing();
    instrumentation = new HttpInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(trace.getTracerProvider());
    instrumentation.enable();
    undo = applyToHttp(instrumentation);
  });
  afterEach(async () => {
    undo();
    instrumentation.disable();
    await tracing.shutdown();
  });

  it('records a client and a server span of one trace, the server continuing the caller', async () => {
    let seenByServer: string | undefined;
    let traceparentHeader: string | undefined;
    const server = http.createServer((request, response) => {
      traceparentHeader = request.headers.traceparent as string | undefined;
      seenByServer = currentTraceparent();
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    try {
      const callerTraceId = await withSpan('click', {}, async (span) => {
        await new Promise<void>((resolve, reject) => {
          http
            .get(`http://127.0.0.1:${port}/appointments`, (response) => {
              response.resume();
              response.on('end', resolve);
            })
            .on('error', reject);
        });
        return span.spanContext().traceId;
      });

      const spans = tracing.spans();
      const client = spans.find((span) => span.kind === SpanKind.CLIENT);
      const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER);
      expect(client).toBeDefined();
      expect(serverSpan).toBeDefined();
      expect(client?.spanContext().traceId).toBe(callerTraceId);
      expect(serverSpan?.spanContext().traceId).toBe(callerTraceId);
      expect(serverSpan?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
      expect(
        serverSpan?.attributes['http.response.status_code'] ??
          serverSpan?.attributes['http.status_code'],
      ).toBe(200);
      expect(traceparentHeader).toMatch(new RegExp(`^00-${callerTraceId}-`));
      // The handler runs inside the server span, so its logs and messages carry the trace.
      expect(seenByServer).toBe(`00-${callerTraceId}-${serverSpan?.spanContext().spanId}-01`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
