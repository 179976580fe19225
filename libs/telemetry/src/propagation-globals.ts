import { context, diag, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';

/** W3C trace context (`traceparent`/`tracestate`) plus W3C baggage, the OTel default. */
export function w3cPropagator(): TextMapPropagator {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
}

/**
 * Registers what trace context needs to cross async work and process boundaries, whether or
 * not spans are exported: an AsyncLocalStorage context manager and the W3C propagator.
 * Throws if another registration is already in place, because a silently ignored registration
 * (the OTel API's behaviour) leaves context unpropagated without any sign of it.
 */
export function registerPropagationGlobals(): void {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(contextManager)) {
    contextManager.disable();
    throw new Error(
      'An OpenTelemetry context manager is already registered: stop the previous telemetry first',
    );
  }
  if (!propagation.setGlobalPropagator(w3cPropagator())) {
    context.disable();
    throw new Error('An OpenTelemetry propagator is already registered');
  }
}

/** Removes every OTel global (tracer provider, context manager, propagator, diag logger). */
export function unregisterOtelGlobals(): void {
  trace.disable();
  propagation.disable();
  context.disable();
  diag.disable();
}
