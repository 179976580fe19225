import { AppointmentSentToModality, type Actor, type DataOf } from '@mbs/contracts';
import { issuePath, issueTexts, type Issue } from '@mbs/errors';
import type { AppointmentRecord } from '../store/appointment-model';
import { idFor, type Models } from '../store/models';
import type { ParticipantRecord } from '../store/participant-model';
import type { SettingRecord } from '../store/setting-model';
import { InconsistentDataError, UnknownAppointmentError } from '../transitions/handler-errors';

export type SentSnapshot = DataOf<typeof AppointmentSentToModality>;

export interface SnapshotSources {
  readonly appointment: Pick<
    AppointmentRecord,
    'appointmentId' | 'clinicId' | 'settingId' | 'startsAt' | 'endsAt' | 'accessionNumber'
  >;
  readonly participant: Omit<ParticipantRecord, '_id'>;
  readonly setting: Pick<SettingRecord, 'name' | 'odsCode'>;
  readonly commandId: string;
  readonly sentBy: Actor;
}

/**
 * The data of *appointment sent to modality*: everything fhir-builder needs to write the order
 * (who, which slot from start to end, which trust asks), copied field by field so nothing else
 * stored (ids, history) leaks into the event. Pure: the same records give the same data, which
 * is what lets a repeated command re-emit an identical event.
 */
export function sentSnapshot(sources: SnapshotSources): SentSnapshot {
  const { appointment, participant, setting, sentBy } = sources;
  return {
    appointmentId: appointment.appointmentId,
    commandId: sources.commandId,
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
      startsAt: isoOrEmpty(appointment.startsAt),
      endsAt: isoOrEmpty(appointment.endsAt),
      accessionNumber: appointment.accessionNumber,
    },
    setting: { name: setting.name, odsCode: setting.odsCode },
  };
}

/** Stored data written before a field existed lacks it: an empty string the contract refuses. */
function isoOrEmpty(date: Date | undefined): string {
  return date ? new Date(date).toISOString() : '';
}

/**
 * What stops the snapshot from being a valid event, as `path: problem`, the first problem of each
 * field only (a missing end is also "not after the start"); empty when it is one.
 */
export function snapshotProblems(snapshot: SentSnapshot): string[] {
  const result = AppointmentSentToModality.data.safeParse(snapshot);
  if (result.success) return [];
  const first = new Map<string, Issue>();
  for (const issue of result.error.issues) {
    const path = issuePath(issue);
    if (!first.has(path)) first.set(path, issue);
  }
  return issueTexts([...first.values()]);
}

/**
 * Reads what the sent event of this appointment will carry and checks it against the contract
 * BEFORE anything changes: an appointment whose stored data cannot make a valid order (its
 * participant or setting gone, a database written before `endsAt` or `odsCode` existed) must
 * stay checked in, not move to sent_to_modality with no order behind it.
 */
export async function loadSentSnapshot(
  models: Models,
  appointmentId: string,
  commandId: string,
  sentBy: Actor,
): Promise<SentSnapshot> {
  const appointment = await models.Appointment.findById(
    idFor(appointmentId),
  ).lean<AppointmentRecord>();
  if (!appointment) throw new UnknownAppointmentError(`id "${appointmentId}"`);
  const [participant, setting] = await Promise.all([
    models.Participant.findById(idFor(appointment.participantId)).lean<ParticipantRecord>(),
    models.Setting.findById(idFor(appointment.settingId)).lean<SettingRecord>(),
  ]);
  if (!participant)
    throw new InconsistentDataError(
      `appointment ${appointmentId} refers to participant ${appointment.participantId}, which does not exist`,
    );
  if (!setting)
    throw new InconsistentDataError(
      `appointment ${appointmentId} refers to setting ${appointment.settingId}, which does not exist`,
    );
  const snapshot = sentSnapshot({ appointment, participant, setting, commandId, sentBy });
  const problems = snapshotProblems(snapshot);
  if (problems.length > 0)
    throw new InconsistentDataError(
      `appointment ${appointmentId} cannot be sent to the modality: its stored data does not make a valid order (${problems.join('; ')})`,
    );
  return snapshot;
}
