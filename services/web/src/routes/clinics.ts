import { londonDate } from '@mbs/contracts';
import type { FastifyInstance } from 'fastify';
import { QueryUnavailableError } from '../clients';
import type { WebContext } from '../context';
import { signedIn } from '../http/auth';
import { renderPage } from '../http/page';
import { clinicListRanges, clinicTabs } from '../presenters/clinic-list';
import { formatDay } from '../presenters/times';

/** GET /clinics: today's, upcoming and completed clinics, as tabs. */
export function clinicsRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get('/clinics', async (request, reply) => {
    const today = londonDate(ctx.now());
    const ranges = clinicListRanges(today);
    let tabs = undefined;
    let unavailable: string | undefined;
    try {
      const as = signedIn(request);
      const [settings, current, completed] = await Promise.all([
        ctx.queries.appointments.settings(as),
        ctx.queries.appointments.clinics(as, ranges.current),
        ctx.queries.appointments.clinics(as, { ...ranges.completed, status: 'closed' }),
      ]);
      tabs = clinicTabs(
        today,
        current.clinics,
        completed.clinics,
        new Map(settings.map((s) => [s.settingId, s])),
      );
    } catch (error) {
      if (!(error instanceof QueryUnavailableError)) throw error;
      ctx.logger.warn({ err: error.message }, 'clinics unavailable');
      unavailable = 'Clinics';
    }
    return renderPage(
      ctx,
      request,
      reply,
      'pages/clinics',
      { today: formatDay(today), tabs, unavailable },
      { title: 'Clinics', section: 'clinics' },
    );
  });
}
