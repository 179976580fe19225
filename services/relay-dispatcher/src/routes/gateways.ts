import { InvalidInputError, parseInput } from '@mbs/http';
import { relayEndpointPolicy } from '../domain/relay-endpoint-policy';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Gateway, GatewayChange, NewGateway } from '../gateways/gateway';
import { GatewayNotFoundError } from '../gateways/gateway-errors';
import type { GatewayStore, GatewayWithHealth } from '../gateways/gateway-store';
import type { SessionStatus } from '../sessions/gateway-session';

/**
 * The path of a route about one gateway, checked like any other input: an empty id
 * (`POST /gateways//enable`) or one no gateway can have is a 400 naming the field, never a query.
 */
const GatewayPath = z.strictObject({ gatewayId: Gateway.shape.gatewayId });
const idOf = (params: unknown) => parseInput(GatewayPath, params).gatewayId;

export interface GatewayRouteDependencies {
  readonly gateways: GatewayStore;
  /** The live session of a gateway, shown beside its echo health. */
  readonly sessionStatus: (gatewayId: string) => SessionStatus | undefined;
  /** Opens, closes or reopens sessions after a change. */
  readonly changed: () => Promise<void>;
  /** The relay endpoints gateways may name (DISPATCHER_RELAY_ENDPOINTS). */
  readonly relayEndpoints: readonly string[];
}

/**
 * The gateways API: list (with health) and read (clinic staff), register, change, disable and
 * enable (admins).
 */
export function gatewayRoutes(app: FastifyInstance, deps: GatewayRouteDependencies): void {
  const { gateways } = deps;
  const checkEndpoint = relayEndpointPolicy(deps.relayEndpoints);
  /** A new or changed endpoint must be one the dispatcher may reach: a 400 naming the field. */
  const allowedEndpoint = <T extends { relayEndpoint?: string }>(input: T): T => {
    const problem =
      input.relayEndpoint === undefined ? undefined : checkEndpoint(input.relayEndpoint);
    if (problem) throw new InvalidInputError([{ field: 'relayEndpoint', problem }]);
    return input;
  };
  const view = (g: GatewayWithHealth) => ({
    ...g,
    health: { ...g.health, ...(!g.enabled && { state: 'disabled' }) },
    session: deps.sessionStatus(g.gatewayId) ?? null,
  });

  app.get('/gateways', { config: { access: 'clinic_staff' } }, async () => ({
    gateways: (await gateways.list()).map(view),
  }));

  app.get('/gateways/:gatewayId', { config: { access: 'clinic_staff' } }, async (request) => {
    const gatewayId = idOf(request.params);
    const found = await gateways.get(gatewayId);
    if (!found) throw new GatewayNotFoundError(gatewayId);
    return view(found);
  });

  app.post('/gateways', { config: { access: 'admin' } }, async (request, reply) => {
    const created = await gateways.create(allowedEndpoint(parseInput(NewGateway, request.body)));
    await deps.changed();
    return reply.code(201).header('location', `/gateways/${created.gatewayId}`).send(view(created));
  });

  app.patch('/gateways/:gatewayId', { config: { access: 'admin' } }, async (request) => {
    const gatewayId = idOf(request.params);
    const changed = await gateways.change(
      gatewayId,
      allowedEndpoint(parseInput(GatewayChange, request.body)),
    );
    await deps.changed();
    return view(changed);
  });

  for (const action of ['disable', 'enable'] as const) {
    app.post(`/gateways/:gatewayId/${action}`, { config: { access: 'admin' } }, async (request) => {
      const changed = await gateways.setEnabled(idOf(request.params), action === 'enable');
      await deps.changed();
      return view(changed);
    });
  }
}
