import type { ContractKind } from '@mbs/contracts';

/**
 * The names of everything the bus declares, derived from a namespace so that several systems
 * (or several test suites) can share one broker without touching each other's messages.
 *
 * `mbs.commands` and `mbs.events` are topic exchanges routed by contract type; each consumer
 * owns `mbs.<consumer>` (a quorum queue), its retry queues, its dead-letter queue and
 * `mbs.<consumer>.direct`, the exchange that reaches those queues (and no others) by name.
 */
export function topologyNames(namespace: string) {
  const queue = (consumer: string) => `${namespace}.${consumer}`;
  return {
    namespace,
    exchangeFor: (kind: ContractKind) => `${namespace}.${kind}s`,
    /** Catches what no queue is bound for, so an unroutable message is kept, not dropped. */
    unroutedExchange: `${namespace}.unrouted`,
    unroutedQueue: `${namespace}.unrouted`,
    /**
     * Fan-out to every running instance (live page updates): a topic exchange by contract type
     * with no alternate exchange, since a broadcast nobody listens to is meant to vanish.
     */
    broadcastExchange: `${namespace}.broadcast`,
    queue,
    /** One delay queue per retry number, so delays grow without head-of-line blocking. */
    retryQueue: (consumer: string, retry: number) => `${queue(consumer)}.retry.${retry}`,
    deadLetterQueue: (consumer: string) => `${queue(consumer)}.dead-letter`,
    /**
     * A direct exchange of the consumer's own, each of its queues bound by its own name: the
     * bus's retry and dead-letter copies, and the broker's own dead-lettering, go through it
     * rather than the default exchange. Writing to the default exchange reaches every queue on
     * the broker by name, so a service allowed that could put any message on anyone's queue
     * (docs/adr/0005-broker-users-per-service.md).
     */
    consumerExchange: (consumer: string) => `${queue(consumer)}.direct`,
    /**
     * Every name the consumer owns (`queue`, `retryQueue` for any retry, `deadLetterQueue`,
     * `consumerExchange`), as a regular expression: what its broker user may configure.
     */
    consumerResourcesPattern: (consumer: string) =>
      `${escapeRegExp(queue(consumer))}(?:\\.retry\\.[1-9][0-9]*|\\.dead-letter|\\.direct)?`,
  };
}

export type TopologyNames = ReturnType<typeof topologyNames>;

/** `name` as a regular expression that matches exactly it. */
export function escapeRegExp(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
