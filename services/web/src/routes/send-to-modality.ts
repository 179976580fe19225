import { actionHref, appointmentHref } from '../presenters/staff-actions';
import type { FastifyInstance } from 'fastify';
import { QueryUnavailableError, type DestinationView } from '../clients';
import type { WebContext } from '../context';
import { safeReturnTo, signedIn } from '../http/auth';
import { renderPage } from '../http/page';
import { InvalidFormError } from '../http/web-errors';
import { formatNhsNumber, fullName } from '../presenters/people';
import { appointmentTag } from '../presenters/states';
import { formatDate, formatDay, formatTime } from '../presenters/times';
import {
  CommandFields,
  appointmentIdOf,
  newCommandId,
  readAppointment,
  sendStaffCommand,
} from './staff-command';

type WithId = { Params: { appointmentId: string }; Querystring: { returnTo?: string } };

const messageTypes: Record<string, string> = { 'fhir-r4': 'FHIR R4', 'worklist-json': 'worklist' };

/**
 * GET /appointments/:id/send shows what is about to be sent (participant, NHS number, accession
 * number, destination) for staff to check; POST sends it. An appointment that cannot be sent now,
 * or a setting with no destination, is said plainly, with no button that would only fail.
 */
export function sendToModalityRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get<WithId>('/appointments/:appointmentId/send', async (request, reply) => {
    const appointmentId = appointmentIdOf(request);
    const appointment = await readAppointment(ctx, request, appointmentId);
    const returnTo = safeReturnTo(request.query.returnTo, appointmentHref(appointmentId));
    let destination: DestinationView | undefined;
    let destinationUnknown = false;
    try {
      destination = await ctx.queries.destinations.destinationOf(
        signedIn(request),
        appointment.settingId,
      );
    } catch (error) {
      if (!(error instanceof QueryUnavailableError)) throw error;
      destinationUnknown = true;
    }
    const participant = appointment.participant;
    const name = participant ? fullName(participant) : 'Participant not found';
    const sendable = appointment.staffActions.includes('send_to_modality') && participant !== null;
    return renderPage(
      ctx,
      request,
      reply,
      'pages/send-to-modality',
      {
        send: {
          action: actionHref(appointmentId, 'send_to_modality'),
          commandId: newCommandId(),
          returnTo,
          name,
          sendable,
          state: appointmentTag(appointment.state),
          nhsNumber: participant ? formatNhsNumber(participant.nhsNumber) : 'Not known',
          dateOfBirth: participant ? formatDate(participant.dateOfBirth) : 'Not known',
          accessionNumber: appointment.accessionNumber,
          appointment: `${formatTime(appointment.startsAt)}, ${formatDay(appointment.startsAt)}`,
          setting: appointment.setting?.name ?? appointment.settingId,
          destination: destination && {
            name: destination.name,
            type: messageTypes[destination.messageType] ?? destination.messageType,
            gateway: destination.gatewayId,
          },
          destinationUnknown,
        },
      },
      { title: `Send ${name} to the modality`, back: { href: returnTo } },
    );
  });

  app.post<WithId>('/appointments/:appointmentId/send', async (request, reply) => {
    const appointmentId = appointmentIdOf(request);
    const form = CommandFields.safeParse(request.body ?? {});
    if (!form.success) throw new InvalidFormError();
    const appointment = await readAppointment(ctx, request, appointmentId).catch((error) => {
      // The click still counts when only the read fails: appointment decides, not this page.
      if (error instanceof QueryUnavailableError) return undefined;
      throw error;
    });
    const name = appointment?.participant ? fullName(appointment.participant) : 'the participant';
    return sendStaffCommand(ctx, request, reply, {
      action: 'send_to_modality',
      appointmentId,
      commandId: form.data.commandId,
      returnTo: safeReturnTo(form.data.returnTo, appointmentHref(appointmentId)),
      name,
      done: `Sending ${name} to the modality. The status changes to "With modality" when the hospital confirms.`,
    });
  });
}
