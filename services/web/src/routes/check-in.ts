import { appointmentHref } from '../presenters/staff-actions';
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context';
import { safeReturnTo } from '../http/auth';
import { InvalidFormError } from '../http/web-errors';
import { CommandFields, appointmentIdOf, nameOf, sendStaffCommand } from './staff-command';

/** POST /appointments/:id/check-in: from the clinic list or the appointment, no page between. */
export function checkInRoute(app: FastifyInstance, ctx: WebContext): void {
  app.post<{ Params: { appointmentId: string } }>(
    '/appointments/:appointmentId/check-in',
    async (request, reply) => {
      const appointmentId = appointmentIdOf(request);
      const form = CommandFields.safeParse(request.body ?? {});
      if (!form.success) throw new InvalidFormError();
      const name = await nameOf(ctx, request, appointmentId);
      return sendStaffCommand(ctx, request, reply, {
        action: 'check_in',
        appointmentId,
        commandId: form.data.commandId,
        returnTo: safeReturnTo(form.data.returnTo, appointmentHref(appointmentId)),
        name,
        done: `Checking in ${name}. The status changes as soon as it is done.`,
      });
    },
  );
}
