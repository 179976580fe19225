import { Id } from '@mbs/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Models } from '../store/models';
import { appointmentDetail } from '../store/queries';
import { notFound, parseOr400 } from './http-problems';

const Params = z.object({ appointmentId: Id });

/** GET /appointments/:appointmentId: one appointment, its participant and its history. */
export function appointmentRoute(app: FastifyInstance, models: Models): void {
  app.get('/appointments/:appointmentId', async (request, reply) => {
    const params = parseOr400(Params, request.params, reply);
    if (!params) return reply;
    const found = await appointmentDetail(models, params.appointmentId);
    if (!found) return notFound(reply, `No appointment with id "${params.appointmentId}"`);
    return found;
  });
}
