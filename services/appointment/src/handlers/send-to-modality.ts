import { on } from '@mbs/bus';
import {
  AppointmentSentToModality,
  SendToModality,
  createMessage,
  derivedId,
} from '@mbs/contracts';
import { applyTransition } from '../transitions/apply-transition';
import { reportingRefusal } from '../commands/command-rejection';
import { verifiedRequester } from '../commands/verified-requester';
import type { StaffCommandDeps } from '../transitions/handler-deps';
import { loadSentSnapshot } from '../sending/sent-snapshot';

/** The id of the sent-to-modality event a command produces: the same on every re-emit. */
export const sentEventId = (commandId: string) => derivedId('sent', commandId);

/**
 * checked_in -> sent_to_modality, once per command id, then publishes *appointment sent to
 * modality* with the participant, appointment (slot start and end) and setting (name and ODS
 * code) snapshot. The snapshot is read and checked before the state changes, so stored data that
 * cannot make an order leaves the appointment checked in (inconsistent_data, dead-lettered).
 *
 * Only once web's signature over the command verifies (verifiedRequester: otherwise
 * dead-lettered as bad_command_signature, nothing changed, nobody told).
 *
 * A repeated command changes nothing and publishes the same event again (same id, same time,
 * same content), so a publish lost after the state change is made good by the redelivery. A
 * refusal (not checked in, unknown appointment) is told back to staff as *appointment command
 * rejected*, then the command is dead-lettered.
 */
export const sendToModalityHandler = (deps: StaffCommandDeps) =>
  on(SendToModality, async (command, { logger }) => {
    const { appointmentId } = command.data;
    const requestedBy = await verifiedRequester(deps, command, logger);
    const { snapshot, entry } = await reportingRefusal(
      deps,
      command,
      async () => {
        const snapshot = await loadSentSnapshot(
          deps.models,
          appointmentId,
          command.id,
          requestedBy,
        );
        const { entry } = await applyTransition(
          deps,
          { appointmentId, action: 'send_to_modality', cause: command, by: requestedBy },
          logger,
        );
        return { snapshot, entry };
      },
      logger,
    );
    const sentBy = entry.by ?? requestedBy;
    const at = new Date(entry.at).toISOString();
    await deps.bus.publish(
      AppointmentSentToModality,
      createMessage(
        AppointmentSentToModality,
        { ...snapshot, sentBy: { userId: sentBy.userId, name: sentBy.name } },
        { id: sentEventId(command.id), causedBy: command, occurredAt: at },
      ),
    );
  });
