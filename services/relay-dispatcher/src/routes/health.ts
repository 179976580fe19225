import type { BusHealth } from '@mbs/bus';
import type { StoreHealth } from '@mbs/store';
import type { FastifyInstance } from 'fastify';
import type { SessionStatus } from '../sessions/gateway-session';

export interface HealthSources {
  bus(): BusHealth;
  store(): Promise<StoreHealth>;
  sessions(): SessionStatus[];
}

/**
 * GET /health: 200 when the bus and the database answer, 503 otherwise. Gateway sessions are
 * shown but do not make the dispatcher unhealthy: an offline hospital is not fixed by
 * restarting the cloud (gateway health by traffic is at GET /gateways).
 */
export function healthRoutes(app: FastifyInstance, sources: HealthSources): void {
  app.get('/health', async (_request, reply) => {
    const [bus, store] = [sources.bus(), await sources.store()];
    const ok = bus.ok && store.ok;
    return reply.code(ok ? 200 : 503).send({ ok, bus, store, sessions: sources.sessions() });
  });
}
