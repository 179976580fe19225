/**
 * Headers the bus writes. Trace context travels as `traceparent`/`tracestate` beside them.
 * Dead-lettered messages keep their original body and properties and gain the `x-failure-*`
 * headers, so an operator (and the admin UI) can see why without another store.
 */
export const Header = {
  /** Which try this delivery is, starting at 1; the retry path increments it. */
  attempt: 'x-attempt',
  /** The last error a retried message met, for logs while it waits. */
  lastError: 'x-last-error',
  failureReason: 'x-failure-reason',
  failureCode: 'x-failure-code',
  failedAt: 'x-failed-at',
  failedConsumer: 'x-failed-consumer',
  originalExchange: 'x-original-exchange',
  originalRoutingKey: 'x-original-routing-key',
} as const;

/** The attempt number a delivery carries (1 when the header is missing or nonsense). */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[Header.attempt]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}
