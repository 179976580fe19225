import type { BusHealth } from '@mbs/bus';
import type { StoreHealth } from '@mbs/store';
import type { FastifyInstance } from 'fastify';

export interface HealthSources {
  bus(): BusHealth;
  store(): Promise<StoreHealth>;
}

/** GET /health: 200 when the bus and the database answer, 503 otherwise, with the details. */
export function healthRoutes(app: FastifyInstance, sources: HealthSources): void {
  app.get('/health', async (_request, reply) => {
    const [bus, store] = [sources.bus(), await sources.store()];
    const ok = bus.ok && store.ok;
    return reply.code(ok ? 200 : 503).send({ ok, bus, store });
  });
}
