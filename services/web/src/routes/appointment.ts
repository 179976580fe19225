import { Id, londonDate } from '@mbs/contracts';
import type { FastifyInstance } from 'fastify';
import { QueryNotFoundError, QueryUnavailableError, type MessageWithHistory } from '../clients';
import type { WebContext } from '../context';
import { signedIn } from '../http/auth';
import { renderPage } from '../http/page';
import { PageNotFoundError } from '../http/web-errors';
import { ageOn, formatNhsNumber, fullName, sexLabel } from '../presenters/people';
import { appointmentHref, staffActionViews } from '../presenters/staff-actions';
import { appointmentTag, sessionLabel } from '../presenters/states';
import { historyRows, messageView } from '../presenters/timeline';
import { formatDate, formatDay, formatTime } from '../presenters/times';

/** Reads what may be unavailable without failing the page: undefined, and the page says so. */
async function optional<T>(read: () => Promise<T>, ctx: WebContext): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof QueryUnavailableError)) throw error;
    ctx.logger.warn({ err: error.message }, 'part of a page unavailable');
    return undefined;
  }
}

/**
 * GET /appointments/:appointmentId: the participant, the state, the full history, and the
 * messages to the modality with every step; the previous and next appointment of the clinic.
 * The appointment must be readable; the messages and the neighbours may be unavailable.
 */
export function appointmentRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get<{ Params: { appointmentId: string } }>(
    '/appointments/:appointmentId',
    async (request, reply) => {
      const id = Id.safeParse(request.params.appointmentId);
      if (!id.success) throw new PageNotFoundError();
      const cursor = ctx.feed.position;
      const today = londonDate(ctx.now());
      const as = signedIn(request);
      const appointment = await ctx.queries.appointments.appointment(as, id.data).catch((error) => {
        if (error instanceof QueryNotFoundError) throw new PageNotFoundError(error.message);
        throw error;
      });
      const [messages, neighbours] = await Promise.all([
        optional<MessageWithHistory[]>(() => ctx.queries.messages.messagesOf(as, id.data), ctx),
        optional(() => ctx.queries.appointments.clinicAppointments(as, appointment.clinicId), ctx),
      ]);
      const participant = appointment.participant;
      const name = participant ? fullName(participant) : 'Participant not found';
      const path = appointmentHref(appointment.appointmentId);
      const clinicHref = `/clinics/${encodeURIComponent(appointment.clinicId)}`;
      const list = neighbours?.appointments ?? [];
      const index = list.findIndex((a) => a.appointmentId === appointment.appointmentId);
      const neighbour = (offset: number) => {
        const other = index >= 0 ? list[index + offset] : undefined;
        return other
          ? {
              href: appointmentHref(other.appointmentId),
              labelText: `${formatTime(other.startsAt)}, ${other.participant ? fullName(other.participant) : 'participant not found'}`,
            }
          : undefined;
      };
      const view = {
        appointmentId: appointment.appointmentId,
        name,
        caption: appointment.clinic
          ? `${formatTime(appointment.startsAt)}, ${formatDay(appointment.startsAt)}`
          : formatDay(appointment.startsAt),
        tag: appointmentTag(appointment.state),
        state: appointment.state,
        actions: participant
          ? staffActionViews(appointment.appointmentId, appointment.staffActions, name, path)
          : [],
        participant: participant && {
          nhsNumber: formatNhsNumber(participant.nhsNumber),
          dateOfBirth: formatDate(participant.dateOfBirth),
          age: ageOn(participant.dateOfBirth, today),
          sex: sexLabel(participant.sex),
        },
        details: {
          clinic: appointment.clinic
            ? `${formatDay(appointment.clinic.date)}, ${sessionLabel(appointment.clinic.session).toLowerCase()}`
            : appointment.clinicId,
          clinicHref,
          setting: appointment.setting?.name ?? appointment.settingId,
          time: `${formatTime(appointment.startsAt)} to ${formatTime(appointment.endsAt)}`,
          accessionNumber: appointment.accessionNumber,
        },
        history: historyRows(appointment.history),
        messages: messages?.map(messageView),
        previous: neighbour(-1),
        next: neighbour(1),
      };
      return renderPage(
        ctx,
        request,
        reply,
        'pages/appointment',
        { appointment: view, shownAt: formatTime(ctx.now()) },
        {
          title: `${name}: appointment`,
          section: 'clinics',
          back: { href: clinicHref, text: 'Back to the clinic' },
          live: {
            source: `/live?${new URLSearchParams({ appointmentId: appointment.appointmentId }).toString()}`,
            cursor,
          },
        },
      );
    },
  );
}
