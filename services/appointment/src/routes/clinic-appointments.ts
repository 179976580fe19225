import { Id } from '@mbs/contracts';
import { NotFoundError, parseInput } from '@mbs/http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Models } from '../store/models';
import { clinicAppointments } from '../store/queries';

const Params = z.object({ clinicId: Id });

/** GET /clinics/:clinicId/appointments: the clinic and its appointments with participants. */
export function clinicAppointmentsRoute(app: FastifyInstance, models: Models): void {
  app.get(
    '/clinics/:clinicId/appointments',
    { config: { access: 'clinic_staff' } },
    async (request) => {
      const params = parseInput(Params, request.params);
      const found = await clinicAppointments(models, params.clinicId);
      if (!found) throw new NotFoundError(`No clinic with id "${params.clinicId}"`);
      return found;
    },
  );
}
