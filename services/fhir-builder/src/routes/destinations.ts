import { parseInput } from '@mbs/http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  Destination,
  DestinationChange,
  DestinationFilter,
  NewDestination,
} from '../destinations/destination';
import { DestinationNotFoundError } from '../destinations/destination-errors';
import type { DestinationStore } from '../destinations/destination-store';

/**
 * The path of a route about one destination. Checked like any other input: an id no destination
 * can have (`has space`) is a 400 naming the field, not a 404 that suggests it merely is not there.
 */
const DestinationPath = z.strictObject({ destinationId: Destination.shape.destinationId });
const idOf = (params: unknown) => parseInput(DestinationPath, params).destinationId;

/**
 * The destinations API: list and read (clinic staff: web shows where an order will go), create,
 * change, disable and enable (admins).
 */
export function destinationRoutes(app: FastifyInstance, destinations: DestinationStore): void {
  app.get(
    '/destinations',
    { config: { access: 'clinic_staff', takesQuery: true } },
    async (request) => ({
      destinations: await destinations.list(parseInput(DestinationFilter, request.query)),
    }),
  );

  app.get(
    '/destinations/:destinationId',
    { config: { access: 'clinic_staff' } },
    async (request) => {
      const destinationId = idOf(request.params);
      const found = await destinations.get(destinationId);
      if (!found) throw new DestinationNotFoundError(destinationId);
      return found;
    },
  );

  app.post('/destinations', { config: { access: 'admin' } }, async (request, reply) => {
    const created = await destinations.create(parseInput(NewDestination, request.body));
    return reply
      .code(201)
      .header('location', `/destinations/${created.destinationId}`)
      .send(created);
  });

  app.patch('/destinations/:destinationId', { config: { access: 'admin' } }, async (request) => {
    const destinationId = idOf(request.params);
    return destinations.change(destinationId, parseInput(DestinationChange, request.body));
  });

  app.post(
    '/destinations/:destinationId/disable',
    { config: { access: 'admin' } },
    async (request) => destinations.setEnabled(idOf(request.params), false),
  );

  app.post(
    '/destinations/:destinationId/enable',
    { config: { access: 'admin' } },
    async (request) => destinations.setEnabled(idOf(request.params), true),
  );
}
