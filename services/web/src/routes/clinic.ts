import { Id, londonDate } from '@mbs/contracts';
import type { FastifyInstance } from 'fastify';
import { QueryNotFoundError, QueryUnavailableError } from '../clients';
import type { WebContext } from '../context';
import { signedIn } from '../http/auth';
import { renderPage } from '../http/page';
import { PageNotFoundError } from '../http/web-errors';
import { appointmentRowView } from '../presenters/appointment-row';
import { clinicTag, sessionLabel } from '../presenters/states';
import { formatDay, formatTime } from '../presenters/times';

/** GET /clinics/:clinicId: the clinic's appointments, with what staff can do to each, live. */
export function clinicRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get<{ Params: { clinicId: string } }>('/clinics/:clinicId', async (request, reply) => {
    const clinicId = Id.safeParse(request.params.clinicId);
    if (!clinicId.success) throw new PageNotFoundError();
    const cursor = ctx.feed.position;
    const returnTo = `/clinics/${encodeURIComponent(clinicId.data)}`;
    const today = londonDate(ctx.now());
    let found;
    let settingName: string | undefined;
    try {
      const [clinic, settings] = await Promise.all([
        ctx.queries.appointments.clinicAppointments(signedIn(request), clinicId.data),
        ctx.queries.appointments.settings(signedIn(request)),
      ]);
      found = clinic;
      settingName = settings.find((s) => s.settingId === clinic.clinic.settingId)?.name;
    } catch (error) {
      if (error instanceof QueryNotFoundError) throw new PageNotFoundError(error.message);
      if (!(error instanceof QueryUnavailableError)) throw error;
      ctx.logger.warn({ err: error.message }, 'clinic unavailable');
    }
    const clinic = found && {
      ...found.clinic,
      location: settingName ?? found.clinic.settingId,
      heading: `${formatDay(found.clinic.date)}, ${sessionLabel(found.clinic.session).toLowerCase()}`,
      timeRange: `${formatTime(found.clinic.startsAt)} to ${formatTime(found.clinic.endsAt)}`,
      tag: clinicTag(found.clinic.status),
    };
    const rows = found?.appointments.map((row) => appointmentRowView(row, today, returnTo));
    return renderPage(
      ctx,
      request,
      reply,
      'pages/clinic',
      {
        clinic,
        rows,
        shownAt: formatTime(ctx.now()),
        unavailable: found ? undefined : 'Appointments',
      },
      {
        title: clinic ? `${clinic.location}: ${clinic.heading}` : 'Clinic',
        section: 'clinics',
        back: { href: '/clinics', text: 'All clinics' },
        live: found
          ? {
              source: `/live?${new URLSearchParams({ clinicId: clinicId.data }).toString()}`,
              cursor,
            }
          : undefined,
      },
    );
  });
}
