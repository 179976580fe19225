import { CalendarDate, Id } from '@mbs/contracts';
import { parseInput } from '@mbs/http';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { addDays, londonDate } from '@mbs/contracts';
import { ClinicStatus } from '../store/clinic-model';
import type { Models } from '../store/models';
import { listClinics } from '../store/queries';

/** The longest range one request may ask for, so a typo cannot read every clinic ever. */
export const MAX_RANGE_DAYS = 92;
/** Without `to`, a week from `from`. */
export const DEFAULT_RANGE_DAYS = 6;

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

const ClinicsQuery = z
  .object({
    from: CalendarDate.optional(),
    to: CalendarDate.optional(),
    status: ClinicStatus.optional(),
    settingId: Id.optional(),
  })
  .strict();

/**
 * GET /clinics?from=YYYY-MM-DD&to=YYYY-MM-DD&status=...&settingId=...: clinics in a date range
 * (London dates, inclusive; from defaults to today, to to a week later), each with its
 * appointments counted by state.
 */
export function clinicsRoute(app: FastifyInstance, models: Models, now: () => Date): void {
  app.get('/clinics', { config: { access: 'clinic_staff', takesQuery: true } }, async (request) => {
    const query = parseInput(
      ClinicsQuery.transform((q, ctx) => {
        const from = q.from ?? londonDate(now());
        const to = q.to ?? addDays(from, DEFAULT_RANGE_DAYS);
        const days = daysBetween(from, to);
        if (days < 0)
          ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
        if (days > MAX_RANGE_DAYS)
          ctx.addIssue({
            code: 'custom',
            path: ['to'],
            message: `must be at most ${MAX_RANGE_DAYS} days after from`,
          });
        return { ...q, from, to };
      }),
      request.query,
    );
    const clinics = await listClinics(models, query);
    return { from: query.from, to: query.to, clinics };
  });
}
