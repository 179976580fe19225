import type { FastifyInstance } from 'fastify';
import { DestinationChange, DestinationFilter, NewDestination } from '../destinations/destination';
import { DestinationNotFoundError } from '../destinations/destination-errors';
import type { DestinationStore } from '../destinations/destination-store';
import { parseInput } from '@mbs/http';

type WithId = { Params: { id: string } };

/** The destinations API: list, read, create, change, disable and enable. */
export function destinationRoutes(app: FastifyInstance, destinations: DestinationStore): void {
  app.get('/destinations', async (request) => ({
    destinations: await destinations.list(parseInput(DestinationFilter, request.query)),
  }));

  app.get<WithId>('/destinations/:id', async (request) => {
    const found = await destinations.get(request.params.id);
    if (!found) throw new DestinationNotFoundError(request.params.id);
    return found;
  });

  app.post('/destinations', async (request, reply) => {
    const created = await destinations.create(parseInput(NewDestination, request.body));
    return reply
      .code(201)
      .header('location', `/destinations/${created.destinationId}`)
      .send(created);
  });

  app.patch<WithId>('/destinations/:id', async (request) =>
    destinations.change(request.params.id, parseInput(DestinationChange, request.body)),
  );

  app.post<WithId>('/destinations/:id/disable', async (request) =>
    destinations.setEnabled(request.params.id, false),
  );

  app.post<WithId>('/destinations/:id/enable', async (request) =>
    destinations.setEnabled(request.params.id, true),
  );
}
