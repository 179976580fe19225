import type { ContractKind } from '@mbs/contracts';

/**
 * The names of everything the bus declares, derived from a namespace so that several systems
 * (or several test suites) can share one broker without touching each other's messages.
 *
 * `mbs.commands` and `mbs.events` are topic exchanges routed by contract type; each consumer
 * owns `mbs.<consumer>` (a quorum queue), its retry queues and its dead-letter queue.
 */
export function topologyNames(namespace: string) {
  return {
    exchangeFor: (kind: ContractKind) => `${namespace}.${kind}s`,
    /** Catches what no queue is bound for, so an unroutable message is kept, not dropped. */
    unroutedExchange: `${namespace}.unrouted`,
    unroutedQueue: `${namespace}.unrouted`,
    /**
     * Fan-out to every running instance (live page updates): a topic exchange by contract type
     * with no alternate exchange, since a broadcast nobody listens to is meant to vanish.
     */
    broadcastExchange: `${namespace}.broadcast`,
    queue: (consumer: string) => `${namespace}.${consumer}`,
    /** One delay queue per retry number, so delays grow without head-of-line blocking. */
    retryQueue: (consumer: string, retry: number) => `${namespace}.${consumer}.retry.${retry}`,
    deadLetterQueue: (consumer: string) => `${namespace}.${consumer}.dead-letter`,
  };
}

export type TopologyNames = ReturnType<typeof topologyNames>;
