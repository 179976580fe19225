import type { BusHealth } from '@mbs/bus';
import type { StoreHealth } from '@mbs/store';
import type { FastifyInstance } from 'fastify';

export interface HealthSources {
  readonly store: () => Promise<StoreHealth>;
  readonly bus: () => BusHealth;
}

/**
 * GET /health: 200 when web's database answers a ping and every bus connection is up (its
 * consumer and its broadcast listener included), else 503. Says nothing else: it is public.
 */
export function healthRoute(app: FastifyInstance, sources: HealthSources): void {
  app.get('/health', { config: { public: true } }, async (_request, reply) => {
    const [store, bus] = [await sources.store(), sources.bus()];
    const ok = store.ok && bus.ok;
    // Status only, as the comment says: no store error text (it can name a host), latency,
    // consumer or listener names, to whoever reaches the ingress.
    return reply.code(ok ? 200 : 503).send({ ok, store: { ok: store.ok }, bus: { ok: bus.ok } });
  });
}
