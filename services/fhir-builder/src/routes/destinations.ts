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

/** The destinations API: list, read, create, change, disable and enable. */
export function destinationRoutes(app: FastifyInstance, destinations: DestinationStore): void {
  app.get('/destinations', { config: { takesQuery: true } }, async (request) => ({
    destinations: await destinations.list(parseInput(DestinationFilter, request.query)),
  }));

  app.get('/destinations/:destinationId', async (request) => {
    const destinationId = idOf(request.params);
    const found = await destinations.get(destinationId);
    if (!found) throw new DestinationNotFoundError(destinationId);
    return found;
  });

  app.post('/destinations', async (request, reply) => {
    const created = await destinations.create(parseInput(NewDestination, request.body));
    return reply
      .code(201)
      .header('location', `/destinations/${created.destinationId}`)
      .send(created);
  });

  app.patch('/destinations/:destinationId', async (request) => {
    const destinationId = idOf(request.params);
    return destinations.change(destinationId, parseInput(DestinationChange, request.body));
  });

  app.post('/destinations/:destinationId/disable', async (request) =>
    destinations.setEnabled(idOf(request.params), false),
  );

  app.post('/destinations/:destinationId/enable', async (request) =>
    destinations.setEnabled(idOf(request.params), true),
  );
}
