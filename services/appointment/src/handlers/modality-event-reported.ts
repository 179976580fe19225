import { on } from '@mbs/bus';
import { ModalityEventReported, type ModalityEventKind } from '@mbs/contracts';
import type { AppointmentAction } from '../domain/appointment-state';
import type { AppointmentRecord } from '../store/appointment-model';
import { applyTransition } from '../transitions/apply-transition';
import { UnknownAppointmentError } from '../transitions/handler-errors';
import type { HandlerDeps } from '../transitions/handler-deps';

const actions: Record<ModalityEventKind, AppointmentAction> = {
  examination_started: 'examination_started',
  examination_completed: 'examination_completed',
  examination_discontinued: 'examination_discontinued',
};

const words: Record<ModalityEventKind, string> = {
  examination_started: 'Examination started',
  examination_completed: 'Examination completed',
  examination_discontinued: 'Examination discontinued',
};

/**
 * What happened at the modality moves the appointment on: started -> with_modality, completed ->
 * screened, discontinued -> checked_in (staff then resend, cancel or mark did not attend). The
 * appointment is found by its id when the gateway sent it, else by the accession number. Once
 * per event id (the gateway's own).
 */
export const modalityEventReportedHandler = (deps: HandlerDeps) =>
  on(ModalityEventReported, async (event, { logger }) => {
    const { accessionNumber, gatewayId, happenedAt, detail } = event.data;
    let appointmentId = event.data.appointmentId;
    if (!appointmentId) {
      const found = await deps.models.Appointment.findOne(
        { accessionNumber },
        { appointmentId: 1 },
      ).lean<Pick<AppointmentRecord, 'appointmentId'>>();
      if (!found) throw new UnknownAppointmentError(`accession number "${accessionNumber}"`);
      appointmentId = found.appointmentId;
    }
    await applyTransition(
      deps,
      {
        appointmentId,
        action: actions[event.data.event],
        cause: event,
        reason: `${words[event.data.event]} at ${happenedAt} (gateway ${gatewayId})${detail ? `: ${detail}` : ''}`,
      },
      logger,
    );
  });
