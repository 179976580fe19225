import { FastifyOtelInstrumentation } from '@fastify/otel';

let instrumentation: FastifyOtelInstrumentation | undefined;

/**
 * The one @fastify/otel instrumentation of this process. It patches nothing: it works as a
 * fastify plugin, so it is created (and enabled) even when export is off, which keeps an
 * incoming `traceparent` flowing into the request's context.
 */
export function fastifyOtelInstrumentation(): FastifyOtelInstrumentation {
  instrumentation ??= new FastifyOtelInstrumentation({ recordExceptions: true });
  return instrumentation;
}

/**
 * The fastify plugin that opens a span per request (continuing an incoming `traceparent`) and
 * makes it the active context of the handlers, so logs and published messages carry its trace:
 * `await app.register(fastifyOtelPlugin())` before the routes are declared.
 */
export function fastifyOtelPlugin(): ReturnType<FastifyOtelInstrumentation['plugin']> {
  return fastifyOtelInstrumentation().plugin();
}
