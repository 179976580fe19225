import type { FastifyInstance } from 'fastify';
import { GatewayChange, NewGateway } from '../gateways/gateway';
import { GatewayNotFoundError } from '../gateways/gateway-errors';
import type { GatewayStore, GatewayWithHealth } from '../gateways/gateway-store';
import type { SessionStatus } from '../sessions/gateway-session';
import { parseInput } from '@mbs/http';

type WithId = { Params: { id: string } };

export interface GatewayRouteDependencies {
  readonly gateways: GatewayStore;
  /** The live session of a gateway, shown beside its echo health. */
  readonly sessionStatus: (gatewayId: string) => SessionStatus | undefined;
  /** Opens, closes or reopens sessions after a change. */
  readonly changed: () => Promise<void>;
}

/** The gateways API: list (with health), read, register, change, disable and enable. */
export function gatewayRoutes(app: FastifyInstance, deps: GatewayRouteDependencies): void {
  const { gateways } = deps;
  const view = (g: GatewayWithHealth) => ({
    ...g,
    health: { ...g.health, ...(!g.enabled && { state: 'disabled' }) },
    session: deps.sessionStatus(g.gatewayId) ?? null,
  });

  app.get('/gateways', async () => ({ gateways: (await gateways.list()).map(view) }));

  app.get<WithId>('/gateways/:id', async (request) => {
    const found = await gateways.get(request.params.id);
    if (!found) throw new GatewayNotFoundError(request.params.id);
    return view(found);
  });

  app.post('/gateways', async (request, reply) => {
    const created = await gateways.create(parseInput(NewGateway, request.body));
    await deps.changed();
    return reply.code(201).header('location', `/gateways/${created.gatewayId}`).send(view(created));
  });

  app.patch<WithId>('/gateways/:id', async (request) => {
    const changed = await gateways.change(
      request.params.id,
      parseInput(GatewayChange, request.body),
    );
    await deps.changed();
    return view(changed);
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post<WithId>(`/gateways/:id/${action}`, async (request) => {
      const changed = await gateways.setEnabled(request.params.id, action === 'enable');
      await deps.changed();
      return view(changed);
    });
  }
}
