import { on } from '@mbs/bus';
import { AppointmentSentToModality, SendToModality, createMessage } from '@mbs/contracts';
import { idFor } from '../store/models';
import type { ParticipantRecord } from '../store/participant-model';
import type { SettingRecord } from '../store/setting-model';
import { applyTransition } from './apply-transition';
import { reportingRefusal } from './command-rejection';
import { derivedId } from './derived-id';
import { InconsistentDataError } from './handler-errors';
import type { HandlerDeps } from './handler-deps';

/** The id of the sent-to-modality event a command produces: the same on every re-emit. */
export const sentEventId = (commandId: string) => derivedId('sent', commandId);

/**
 * checked_in -> sent_to_modality, once per command id, then publishes *appointment sent to
 * modality* with the participant, appointment (slot start and end) and setting (name and ODS
 * code) snapshot. A repeated command changes nothing and publishes the same event again (same id,
 * same time, same content), so a publish lost after the state change is made good by the
 * redelivery. A refusal (not checked in, unknown appointment) is told back to staff as
 * *appointment command rejected*, then the command is dead-lettered.
 */
export const sendToModalityHandler = (deps: HandlerDeps) =>
  on(SendToModality, async (command, { logger }) => {
    const { appointment, entry } = await reportingRefusal(
      deps,
      command,
      () =>
        applyTransition(
          deps,
          {
            appointmentId: command.data.appointmentId,
            action: 'send_to_modality',
            cause: command,
            by: command.data.requestedBy,
          },
          logger,
        ),
      logger,
    );
    const [participant, setting] = await Promise.all([
      deps.models.Participant.findById(idFor(appointment.participantId)).lean<ParticipantRecord>(),
      deps.models.Setting.findById(idFor(appointment.settingId)).lean<SettingRecord>(),
    ]);
    if (!participant) {
      throw new InconsistentDataError(
        `appointment ${appointment.appointmentId} refers to participant ${appointment.participantId}, which does not exist`,
      );
    }
    if (!setting) {
      throw new InconsistentDataError(
        `appointment ${appointment.appointmentId} refers to setting ${appointment.settingId}, which does not exist`,
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
            endsAt: new Date(appointment.endsAt).toISOString(),
            accessionNumber: appointment.accessionNumber,
          },
          setting: { name: setting.name, odsCode: setting.odsCode },
        },
        { id: sentEventId(command.id), causedBy: command, occurredAt: at },
      ),
    );
  });
