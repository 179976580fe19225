import { Id, type StaffActionName } from '@mbs/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { QueryNotFoundError, QueryUnavailableError, type AppointmentDetail } from '../clients';
import { CommandNotSentError } from '../commands/staff-commands';
import type { WebContext } from '../context';
import { safeReturnTo, signedIn } from '../http/auth';
import { addFlash } from '../http/flash';
import { renderPage } from '../http/page';
import { PageNotFoundError } from '../http/web-errors';
import { fullName } from '../presenters/people';
import { actionHref, staffActionSpecs } from '../presenters/staff-actions';

/** The fields every staff action form sends back, besides its own. */
export const CommandFields = z.object({
  /** Made when the form was shown: a double submission is the same command. */
  commandId: Id,
  returnTo: z.string().optional(),
});

/** A fresh command id for a form being shown. */
export const newCommandId = (): string => randomUUID();

export function appointmentIdOf(request: FastifyRequest<{ Params: { appointmentId: string } }>) {
  const id = Id.safeParse(request.params.appointmentId);
  if (!id.success) throw new PageNotFoundError();
  return id.data;
}

/** The appointment a form is about; unknown ids are a 404 page. */
export async function readAppointment(
  ctx: WebContext,
  request: FastifyRequest,
  appointmentId: string,
): Promise<AppointmentDetail> {
  try {
    return await ctx.queries.appointments.appointment(signedIn(request), appointmentId);
  } catch (error) {
    if (error instanceof QueryNotFoundError) throw new PageNotFoundError(error.message);
    throw error;
  }
}

/** Who it is about, for the banner; a click still goes through when that cannot be read. */
export async function nameOf(
  ctx: WebContext,
  request: FastifyRequest,
  appointmentId: string,
): Promise<string> {
  try {
    const appointment = await ctx.queries.appointments.appointment(
      signedIn(request),
      appointmentId,
    );
    return appointment.participant ? fullName(appointment.participant) : 'the participant';
  } catch (error) {
    if (error instanceof QueryNotFoundError) throw new PageNotFoundError(error.message);
    if (error instanceof QueryUnavailableError) return 'the participant';
    throw error;
  }
}

export interface SendCommand {
  readonly action: StaffActionName;
  readonly appointmentId: string;
  readonly commandId: string;
  readonly reason?: string;
  readonly returnTo: string;
  /** Who it is about, for the banner after. */
  readonly name: string;
  /** The banner's words once the command is on its way. */
  readonly done: string;
}

/**
 * Publishes a staff command as the signed-in person, then goes back where they came from with a
 * banner saying it is on its way (appointment decides; the page shows the outcome live). When the
 * broker does not take it, nothing is lost silently: the person gets a page saying it was not
 * sent, with a button that sends the same command (same id) again.
 */
export async function sendStaffCommand(
  ctx: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  command: SendCommand,
): Promise<FastifyReply> {
  const user = signedIn(request);
  try {
    await ctx.commands.send({
      action: command.action,
      commandId: command.commandId,
      appointmentId: command.appointmentId,
      requestedBy: { userId: user.username, name: user.name },
      ...(command.reason !== undefined && { reason: command.reason }),
    });
  } catch (error) {
    if (!(error instanceof CommandNotSentError)) throw error;
    ctx.logger.error(
      { err: String(error.cause ?? error), action: command.action, commandId: command.commandId },
      'staff command not sent',
    );
    return renderPage(
      ctx,
      request,
      reply,
      'pages/not-sent',
      {
        notSent: {
          label: staffActionSpecs[command.action].label,
          name: command.name,
          action: actionHref(command.appointmentId, command.action),
          commandId: command.commandId,
          reason: command.reason,
          returnTo: command.returnTo,
        },
      },
      { title: 'Your request was not sent', status: 503, back: { href: command.returnTo } },
    );
  }
  ctx.logger.info(
    { action: command.action, commandId: command.commandId, appointmentId: command.appointmentId },
    'staff command sent',
  );
  addFlash(request, { kind: 'information', title: 'Request sent', text: command.done });
  return reply.redirect(safeReturnTo(command.returnTo), 303);
}
