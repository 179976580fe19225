import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { startInstrumentedTracing, type InstrumentedTracing } from '../test/apply-instrumentation';
import { type InMemoryTracing } from './in-memory-tracing';
import { httpInstrumentation } from './start-telemetry';
import { currentTraceparent, withSpan } from './trace-context';

describe('http instrumentation (applied explicitly)', () => {
  let instrumented: InstrumentedTracing;
  let tracing: InMemoryTracing;

  beforeEach(() => {
    // jest bypasses the require hook: the instrumentation's own patches are applied to http.
    // The instrumentation exactly as every service runs it.
    instrumented = startInstrumentedTracing(httpInstrumentation({ enabled: false }), 'http');
    ({ tracing } = instrumented);
  });
  afterEach(async () => {
    await instrumented.stop();
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

  it('writes a relay token or a signature in a URL as REDACTED, on the client and the server span', async () => {
    const token =
      'SharedAccessSignature sr=http%3A%2F%2Frelay%2Fgateway-local%2F&sig=c2VjcmV0LXNpZw%3D%3D&se=1900000000&skn=send';
    const server = http.createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const query = new URLSearchParams({ 'sb-hc-action': 'connect', 'sb-hc-token': token });
      await new Promise<void>((resolve, reject) => {
        http
          .get(`http://127.0.0.1:${port}/$hc/gateway-local?${query.toString()}&sig=abc`, (r) => {
            r.resume();
            r.on('end', resolve);
          })
          .on('error', reject);
      });
      const attributes = JSON.stringify(tracing.spans().map((span) => span.attributes));
      expect(attributes).toContain('sb-hc-token=REDACTED');
      expect(attributes).toContain('sb-hc-action=connect');
      expect(attributes).not.toMatch(/SharedAccessSignature|c2VjcmV0LXNpZw|sig=abc/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
