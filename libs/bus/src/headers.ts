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
  /**
   * Where the message was first published. Set on the first retry copy and carried through the
   * later ones, because every retry comes back through the retry queue's dead-letter hop, which
   * rewrites the delivery's exchange ("") and routing key (the consumer's own queue).
   */
  originalExchange: 'x-original-exchange',
  originalRoutingKey: 'x-original-routing-key',
} as const;

export interface MessageOrigin {
  readonly exchange: string;
  readonly routingKey: string;
}

/**
 * The exchange and routing key the message was first published with: the headers a retry copy
 * carries, or, on a first try, the delivery's own fields.
 */
export function originOf(
  headers: Record<string, unknown> | undefined,
  fields: MessageOrigin,
): MessageOrigin {
  const exchange = headers?.[Header.originalExchange];
  const routingKey = headers?.[Header.originalRoutingKey];
  // Both or neither: a half-set pair is not ours, and the delivery's fields are then the truth.
  return typeof exchange === 'string' && typeof routingKey === 'string'
    ? { exchange, routingKey }
    : { exchange: fields.exchange, routingKey: fields.routingKey };
}

/** The attempt number a delivery carries (1 when the header is missing or nonsense). */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[Header.attempt]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}
