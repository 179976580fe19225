import { Id } from '@mbs/contracts';
import { NotFoundError, parseInput } from '@mbs/http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Models } from '../store/models';
import { appointmentDetail } from '../store/queries';

const Params = z.object({ appointmentId: Id });

/** GET /appointments/:appointmentId: one appointment, its participant and its history. */
export function appointmentRoute(app: FastifyInstance, models: Models): void {
  app.get(
    '/appointments/:appointmentId',
    { config: { access: 'clinic_staff' } },
    async (request) => {
      const params = parseInput(Params, request.params);
      const found = await appointmentDetail(models, params.appointmentId);
      if (!found) throw new NotFoundError(`No appointment with id "${params.appointmentId}"`);
      return found;
    },
  );
}
