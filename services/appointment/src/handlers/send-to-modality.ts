import { on } from '@mbs/bus';
import { AppointmentSentToModality, SendToModality, createMessage } from '@mbs/contracts';
import { idFor } from '../store/models';
import type { ParticipantRecord } from '../store/participant-model';
import { applyTransition } from './apply-transition';
import { derivedId } from './derived-id';
import { InconsistentDataError } from './handler-errors';
import type { HandlerDeps } from './handler-deps';

/** The id of the sent-to-modality event a command produces: the same on every re-emit. */
export const sentEventId = (commandId: string) => derivedId('sent', commandId);

/**
 * checked_in -> sent_to_modality, once per command id, then publishes *appointment sent to
 * modality* with the participant and appointment snapshot. A repeated command changes nothing
 * and publishes the same event again (same id, same time, same content), so a publish lost after
 * the state change is made good by the redelivery.
 */
export const sendToModalityHandler = (deps: HandlerDeps) =>
  on(SendToModality, async (command, { logger }) => {
    const { appointment, entry } = await applyTransition(
      deps,
      {
        appointmentId: command.data.appointmentId,
        action: 'send_to_modality',
        cause: command,
        by: command.data.requestedBy,
      },
      logger,
    );
    const participant = await deps.models.Participant.findById(
      idFor(appointment.participantId),
    ).lean<ParticipantRecord>();
    if (!participant) {
      throw new InconsistentDataError(
        `appointment ${appointment.appointmentId} refers to participant ${appointment.participantId}, which does not exist`,
      );
    }
    const sentBy = entry.by ?? command.data.requestedBy;
    const at = new Date(entry.at).toISOString();
    await deps.bus.publish(
      AppointmentSentToModality,
      createMessage(
        AppointmentSentToModality,
        {
          appointmentId: appointment.appointmentId,
          commandId: command.id,
          sentBy: { userId: sentBy.userId, name: sentBy.name },
          participant: {
            participantId: participant.participantId,
            nhsNumber: participant.nhsNumber,
            givenName: participant.givenName,
            familyName: participant.familyName,
            dateOfBirth: participant.dateOfBirth,
            sex: participant.sex,
          },
          appointment: {
            clinicId: appointment.clinicId,
            settingId: appointment.settingId,
            startsAt: new Date(appointment.startsAt).toISOString(),
            accessionNumber: appointment.accessionNumber,
          },
        },
        { id: sentEventId(command.id), causedBy: command, occurredAt: at },
      ),
    );
  });
