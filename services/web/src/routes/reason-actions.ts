import type { StaffActionName } from '@mbs/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { WebContext } from '../context';
import { safeReturnTo } from '../http/auth';
import { renderPage } from '../http/page';
import { InvalidFormError } from '../http/web-errors';
import { formatNhsNumber, fullName } from '../presenters/people';
import { actionHref, appointmentHref, staffActionSpecs } from '../presenters/staff-actions';
import { appointmentTag } from '../presenters/states';
import { formatDay, formatTime } from '../presenters/times';
import {
  CommandFields,
  appointmentIdOf,
  nameOf,
  newCommandId,
  readAppointment,
  sendStaffCommand,
} from './staff-command';

/** The longest reason the commands carry (libs/contracts StaffAction). */
export const MAX_REASON = 500;

/** A staff action that asks for a reason first: its page's words. */
interface ReasonAction {
  readonly action: StaffActionName;
  readonly heading: string;
  readonly question: string;
  readonly hint: string;
  readonly button: string;
  readonly missing: string;
  readonly done: (name: string) => string;
}

export const reasonActions: readonly ReasonAction[] = [
  {
    action: 'withdraw_send',
    heading: 'Withdraw the send to the modality',
    question: 'Why are you withdrawing it?',
    hint: 'For example, no confirmation has come from the hospital. The order the hospital may already have is not recalled.',
    button: 'Withdraw send',
    missing: 'Enter why you are withdrawing the send',
    done: (name) =>
      `Withdrawing the send for ${name}. You can then send again, cancel or mark them.`,
  },
  {
    action: 'cancel',
    heading: 'Cancel the appointment',
    question: 'Why is the appointment being cancelled?',
    hint: 'For example, the participant asked to rebook. This stays in the appointment history.',
    button: 'Cancel appointment',
    missing: 'Enter why the appointment is being cancelled',
    done: (name) => `Cancelling the appointment for ${name}.`,
  },
  {
    action: 'mark_did_not_attend',
    heading: 'Mark as did not attend',
    question: 'Anything to record about it?',
    hint: 'For example, the participant phoned to say they could not come. This stays in the appointment history.',
    button: 'Mark as did not attend',
    missing: 'Enter a note about why the participant did not attend',
    done: (name) => `Marking ${name} as did not attend.`,
  },
];

const ReasonForm = CommandFields.extend({ reason: z.string().default('') });

type WithId = { Params: { appointmentId: string }; Querystring: { returnTo?: string } };

/**
 * GET/POST /appointments/:id/{withdraw,cancel,did-not-attend}: a page asking why, then the
 * command. A missing or too long reason is shown in the error summary and by the field, with
 * what was typed kept.
 */
export function reasonActionRoutes(app: FastifyInstance, ctx: WebContext): void {
  for (const spec of reasonActions) {
    const path = `/appointments/:appointmentId/${staffActionSpecs[spec.action].path}`;

    const show = async (
      request: Parameters<typeof renderPage>[1],
      reply: Parameters<typeof renderPage>[2],
      appointmentId: string,
      values: { commandId: string; returnTo: string; reason: string; error?: string },
    ) => {
      const appointment = await readAppointment(ctx, request, appointmentId);
      const participant = appointment.participant;
      const name = participant ? fullName(participant) : 'Participant not found';
      return renderPage(
        ctx,
        request,
        reply,
        'pages/reason-form',
        {
          form: {
            ...spec,
            action: actionHref(appointmentId, spec.action),
            allowed: appointment.staffActions.includes(spec.action),
            name,
            nhsNumber: participant ? formatNhsNumber(participant.nhsNumber) : 'Not known',
            appointment: `${formatTime(appointment.startsAt)}, ${formatDay(appointment.startsAt)}`,
            state: appointmentTag(appointment.state),
            maxLength: MAX_REASON,
            ...values,
          },
        },
        {
          title: `${values.error ? 'Error: ' : ''}${spec.heading}`,
          status: values.error ? 400 : 200,
          back: { href: values.returnTo },
        },
      );
    };

    app.get<WithId>(path, async (request, reply) => {
      const appointmentId = appointmentIdOf(request);
      return show(request, reply, appointmentId, {
        commandId: newCommandId(),
        returnTo: safeReturnTo(request.query.returnTo, appointmentHref(appointmentId)),
        reason: '',
      });
    });

    app.post<WithId>(path, async (request, reply) => {
      const appointmentId = appointmentIdOf(request);
      const form = ReasonForm.safeParse(request.body ?? {});
      if (!form.success) throw new InvalidFormError();
      const returnTo = safeReturnTo(form.data.returnTo, appointmentHref(appointmentId));
      const reason = form.data.reason.trim();
      const error = !reason
        ? spec.missing
        : reason.length > MAX_REASON
          ? `Reason must be ${MAX_REASON} characters or fewer`
          : undefined;
      if (error)
        return show(request, reply, appointmentId, {
          commandId: form.data.commandId,
          returnTo,
          reason: form.data.reason,
          error,
        });
      const name = await nameOf(ctx, request, appointmentId);
      return sendStaffCommand(ctx, request, reply, {
        action: spec.action,
        appointmentId,
        commandId: form.data.commandId,
        reason,
        returnTo,
        name,
        done: spec.done(name),
      });
    });
  }
}
