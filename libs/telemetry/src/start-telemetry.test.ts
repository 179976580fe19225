import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, trace } from '@opentelemetry/api';
import { startTelemetry, telemetrySettings } from './start-telemetry';
import {
  currentTraceparent,
  extractTraceContext,
  injectTraceContext,
  withSpan,
} from './trace-context';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string };
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: { spans: { name: string; traceId: string; kind: number }[] }[];
  }[];
}

/** A stand-in OTLP/HTTP collector: keeps every JSON body POSTed to /v1/traces. */
async function startCollector(): Promise<{ url: string; exports: OtlpExport[]; server: Server }> {
  const exports: OtlpExport[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        response.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, exports, server };
}

describe('telemetrySettings', () => {
  it('is off without an OTLP endpoint', () => {
    expect(telemetrySettings('web', {})).toEqual({ enabled: false, serviceName: 'web' });
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(
      telemetrySettings('web', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' }),
    ).toEqual({ enabled: true, serviceName: 'web', tracesUrl: 'http://jaeger:4318/v1/traces' });
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, before the general endpoint', () => {
    expect(
      telemetrySettings('web', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
      }).tracesUrl,
    ).toBe('http://traces:4318/custom');
  });

  it('lets OTEL_SERVICE_NAME override the name given in code', () => {
    expect(telemetrySettings('web', { OTEL_SERVICE_NAME: 'web-blue' }).serviceName).toBe(
      'web-blue',
    );
  });

  it.each([
    { OTEL_SDK_DISABLED: 'true' },
    { OTEL_SDK_DISABLED: 'TRUE' },
    { OTEL_TRACES_EXPORTER: 'none' },
  ])('is off with %p even when an endpoint is set', (switchOff) => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', ...switchOff };
    expect(telemetrySettings('web', env).enabled).toBe(false);
  });
});

describe('startTelemetry', () => {
  it('without an endpoint exports nothing but still carries traces through and starts new ones', async () => {
    const telemetry = startTelemetry({ serviceName: 'appointment', env: {} });
    try {
      expect(telemetry.enabled).toBe(false);
      expect(startTelemetry({ serviceName: 'appointment', env: {} })).toBe(telemetry);

      // A message arrives with a traceparent; what the service sends on continues the same trace
      // from its own span, also after an await (the AsyncLocalStorage context manager is registered).
      const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const outgoing = await withSpan(
        'consume',
        { kind: SpanKind.CONSUMER, parent: extractTraceContext({ traceparent: incoming }) },
        async () => {
          await sleep(1);
          return injectTraceContext({});
        },
      );
      expect(outgoing.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
      expect(outgoing.traceparent).not.toBe(incoming);
      expect(currentTraceparent()).toBeUndefined();

      // Work that starts here (no incoming trace) gets a trace of its own: logs carry its id.
      const started = await withSpan('click', {}, async () => currentTraceparent());
      expect(started).toMatch(/^00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    } finally {
      await telemetry.shutdown();
    }
  });

  it('with an endpoint exports spans over OTLP/HTTP, flushed by shutdown()', async () => {
    const collector = await startCollector();
    try {
      const telemetry = startTelemetry({
        serviceName: 'relay-dispatcher',
        serviceVersion: '1.2.3',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
      });
      expect(telemetry.enabled).toBe(true);

      // Created through the API: jest loads modules its own way, so the module patching of
      // the http/amqplib/mongoose instrumentations does not take effect here.
      const traceId = await withSpan('send message', { kind: SpanKind.PRODUCER }, (span) => {
        trace.getTracer('test').startSpan('child').end();
        return span.spanContext().traceId;
      });
      expect(collector.exports).toEqual([]); // batched: nothing sent before the flush
      await telemetry.shutdown();

      const resourceSpans = collector.exports.flatMap((body) => body.resourceSpans);
      const spans = resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      expect(spans.map((span) => span.name).sort()).toEqual(['child', 'send message']);
      expect(spans.every((span) => span.traceId === traceId)).toBe(true);
      const attributes = Object.fromEntries(
        resourceSpans[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]),
      );
      expect(attributes).toMatchObject({
        'service.name': 'relay-dispatcher',
        'service.version': '1.2.3',
      });
    } finally {
      await new Promise((resolve) => collector.server.close(resolve));
    }
  });

  it('can start again after a shutdown (globals are released)', async () => {
    const first = startTelemetry({ serviceName: 'web', env: {} });
    await first.shutdown();
    const second = startTelemetry({ serviceName: 'web', env: {} });
    expect(second).not.toBe(first);
    await second.shutdown();
  });
});
