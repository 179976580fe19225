import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { registerPropagationGlobals, unregisterOtelGlobals } from './propagation-globals';

export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  /** The spans ended so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** Forgets the spans recorded so far. */
  reset(): void;
  /** Stops recording and removes the OTel globals, so another test can register its own. */
  shutdown(): Promise<void>;
}

/**
 * FOR TESTS: records every span in memory (exported synchronously when it ends) with the same
 * context manager and W3C propagator as a service, so a test can assert that trace context
 * crosses a publish and a consume or a relay frame. Not for services: use `startTelemetry`.
 *
 * Inside jest, module-patching instrumentations (http, amqplib, mongoose) do not take effect
 * on their own: a test that asserts their spans creates the instrumentation, calls
 * `setTracerProvider(trace.getTracerProvider())` and `enable()` itself.
 */
export function startInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  registerPropagationGlobals();
  if (!trace.setGlobalTracerProvider(provider)) {
    unregisterOtelGlobals();
    throw new Error(
      'An OpenTelemetry tracer provider is already registered: shut the previous one down first',
    );
  }
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    shutdown: async () => {
      await provider.shutdown();
      unregisterOtelGlobals();
    },
  };
}
