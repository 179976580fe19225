import { Id } from '@mbs/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Models } from '../store/models';
import { clinicAppointments } from '../store/queries';
import { notFound, parseOr400 } from './http-problems';

const Params = z.object({ clinicId: Id });

/** GET /clinics/:clinicId/appointments: the clinic and its appointments with participants. */
export function clinicAppointmentsRoute(app: FastifyInstance, models: Models): void {
  app.get('/clinics/:clinicId/appointments', async (request, reply) => {
    const params = parseOr400(Params, request.params, reply);
    if (!params) return reply;
    const found = await clinicAppointments(models, params.clinicId);
    if (!found) return notFound(reply, `No clinic with id "${params.clinicId}"`);
    return found;
  });
}
