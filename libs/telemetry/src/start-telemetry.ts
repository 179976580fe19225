import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { type Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { REDACTED_QUERY_PARAMETERS } from './secrets';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { trace } from '@opentelemetry/api';
import { ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { fastifyOtelInstrumentation } from './fastify-otel';
import {
  registerPropagationGlobals,
  unregisterOtelGlobals,
  w3cPropagator,
} from './propagation-globals';

export interface TelemetryOptions {
  /** `service.name` of the spans; OTEL_SERVICE_NAME overrides it. */
  readonly serviceName: string;
  readonly serviceVersion?: string;
  /**
   * The variables to read OTEL_* from; process.env by default. Only tests pass their own: the
   * SDK itself still reads the finer settings (OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_*,
   * OTEL_RESOURCE_ATTRIBUTES) from process.env.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Telemetry {
  /** True when spans are exported (an OTLP endpoint is set and the SDK is not disabled). */
  readonly enabled: boolean;
  /** Flushes pending spans and removes the instrumentation; call it on graceful stop. */
  shutdown(): Promise<void>;
}

export interface TelemetrySettings {
  readonly enabled: boolean;
  readonly serviceName: string;
  /** The full OTLP/HTTP traces URL (…/v1/traces), when enabled. */
  readonly tracesUrl?: string;
}

/**
 * The HTTP instrumentation every service runs. A relay token in a URL (the relay library sends
 * it in a header; this is for one that does not) is written REDACTED in `url.full` and
 * `url.query`, as the cloud storage signatures already are. Pass `{ enabled: false }` in a test
 * that enables it itself.
 */
export function httpInstrumentation(config: { enabled?: boolean } = {}): HttpInstrumentation {
  return new HttpInstrumentation({
    ...config,
    redactedQueryParams: [...REDACTED_QUERY_PARAMETERS],
    redactedQueryParamsServer: [...REDACTED_QUERY_PARAMETERS],
  });
}

/** Reads the standard OTEL_* variables that decide whether and where spans are exported. */
export function telemetrySettings(
  serviceName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): TelemetrySettings {
  const name = env['OTEL_SERVICE_NAME']?.trim() || serviceName;
  const disabled =
    env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true' ||
    env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase() === 'none';
  const tracesEndpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  // The signal-specific variable is used as is; the general one gets the signal path appended.
  const tracesUrl =
    tracesEndpoint || (endpoint ? `${endpoint.replace(/\/+$/, '')}/v1/traces` : undefined);
  return disabled || !tracesUrl
    ? { enabled: false, serviceName: name }
    : { enabled: true, serviceName: name, tracesUrl };
}

let running: Telemetry | undefined;

/**
 * Sets up tracing for a service. Call it before the instrumented modules (http, fastify,
 * amqplib, mongoose) are loaded: from the first import of main.ts or with the
 * `@mbs/telemetry/register` preload. Calling it again returns the running instance.
 *
 * Without an OTLP endpoint (or with OTEL_SDK_DISABLED=true) no SDK starts and nothing is
 * patched; the AsyncLocalStorage context manager, the W3C propagator and a tracer provider that
 * exports nothing are registered, so trace ids appear in logs and a `traceparent` still flows
 * through the service into what it sends on.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (running) return running;
  const settings = telemetrySettings(options.serviceName, options.env);
  const fastify = fastifyOtelInstrumentation();

  if (!settings.enabled) {
    registerPropagationGlobals();
    // A provider with no processor: spans get real ids and are dropped when they end. So every
    // log line still carries a trace id, and a flow started here (a click, a modality event)
    // still sends a traceparent on, even where no collector is configured.
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    fastify.enable();
    const telemetry: Telemetry = {
      enabled: false,
      shutdown: async () => {
        if (running === telemetry) running = undefined;
        unregisterOtelGlobals();
      },
    };
    running = telemetry;
    return telemetry;
  }

  const instrumentations: Instrumentation[] = [
    httpInstrumentation(),
    new AmqplibInstrumentation(),
    new MongooseInstrumentation(),
    fastify,
  ];
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    ...(options.serviceVersion
      ? {
          resource: defaultResource().merge(
            resourceFromAttributes({ [ATTR_SERVICE_VERSION]: options.serviceVersion }),
          ),
        }
      : {}),
    traceExporter: new OTLPTraceExporter({ url: settings.tracesUrl }),
    // Traces only: logs go to stdout through pino, and no metrics are collected yet. Empty lists
    // stop the SDK from creating OTLP log and metric exporters from the environment.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations,
    contextManager: new AsyncLocalStorageContextManager(),
    textMapPropagator: w3cPropagator(),
  });
  sdk.start();

  const telemetry: Telemetry = {
    enabled: true,
    shutdown: async () => {
      if (running === telemetry) running = undefined;
      try {
        await sdk.shutdown();
      } finally {
        for (const instrumentation of instrumentations) instrumentation.disable();
        unregisterOtelGlobals();
      }
    },
  };
  running = telemetry;
  return telemetry;
}
