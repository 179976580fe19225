import { z } from 'zod';
import type { Sex } from '@mbs/contracts';
import { issueTexts } from '@mbs/errors';
import { uuidFromName } from './deterministic-ids';
import type { BuildTarget, MessageBuilder, SentToModality } from './message-builder';
import { PayloadInvalidError } from './payload-invalid-error';

/** The clock of the screening unit: DICOM worklist dates and times are local, without offset. */
const LOCAL_TIME_ZONE = 'Europe/London';

/**
 * DICOM Patient's Sex (0010,0040) has M, F and O; empty (a type 2 attribute) means unknown.
 * NHS's sender takes the first letter of its gender field, which would give "U" for unknown.
 */
const dicomSex: Record<Sex, 'F' | 'M' | 'O' | ''> = {
  female: 'F',
  male: 'M',
  other: 'O',
  unknown: '',
};

/** DICOM PN allows 64 characters per component group: `FAMILY^GIVEN` together, `^` included. */
const PN_GROUP_MAX = 64;

const Digits = (length: number, what: string) =>
  z.string().regex(new RegExp(`^\\d{${length}}$`), `must be ${what}`);

/**
 * The `worklist.create_item` action NHS's gateway accepts (NHSDigital/dtos-manage-breast-screening,
 * gateway/worklist_item_service.py; read by manage-breast-screening-gateway's
 * services/mwl/create_worklist_item.py into a DICOM Modality Worklist entry).
 */
export const WorklistCreateItem = z.strictObject({
  schema_version: z.literal(1),
  action_id: z.uuid(),
  action_type: z.literal('worklist.create_item'),
  timestamp: z.iso.datetime({ offset: true }),
  source_system: z.string().min(1),
  source_reference: z.strictObject({
    appointment_id: z.string().min(1),
    participant_id: z.string().min(1),
  }),
  parameters: z.strictObject({
    worklist_item: z.strictObject({
      accession_number: z.string().min(1).max(16, 'must be at most 16 characters (DICOM SH)'),
      participant: z.strictObject({
        nhs_number: Digits(10, 'ten digits'),
        name: z
          .string()
          .regex(/^[^^\\]+\^[^^\\]+$/, 'must be FAMILY^GIVEN (DICOM PN)')
          .max(PN_GROUP_MAX, `must be at most ${PN_GROUP_MAX} characters (DICOM PN)`),
        birth_date: Digits(8, 'YYYYMMDD'),
        sex: z.enum(['F', 'M', 'O', '']),
      }),
      scheduled: z.strictObject({ date: Digits(8, 'YYYYMMDD'), time: Digits(6, 'HHMMSS') }),
      procedure: z.strictObject({
        modality: z.literal('MG'),
        study_description: z.string().min(1).max(64),
      }),
    }),
  }),
});
export type WorklistCreateItem = z.infer<typeof WorklistCreateItem>;

/**
 * NHS's worklist JSON: what their own gateway turns into a DICOM Modality Worklist item. Here to
 * show message types are pluggable: this module and one registry line are all it takes.
 */
export const worklistJson: MessageBuilder = {
  type: 'worklist-json',
  description: "NHS gateway worklist.create_item action (JSON), as NHS's own gateway accepts it",
  contentType: 'application/json',

  build(event: SentToModality, destination: BuildTarget) {
    return {
      contentType: this.contentType,
      payload: JSON.stringify(buildWorklistItem(event, destination), null, 2),
    };
  },

  validate(payload: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch (error) {
      throw new PayloadInvalidError(this.type, [`not JSON: ${(error as Error).message}`]);
    }
    const result = WorklistCreateItem.safeParse(parsed);
    if (!result.success) {
      throw new PayloadInvalidError(this.type, issueTexts(result.error.issues));
    }
  },
};

export function buildWorklistItem(
  event: SentToModality,
  destination: BuildTarget,
): WorklistCreateItem {
  const { appointmentId, participant, appointment } = event.data;
  const scheduled = localDateTime(appointment.startsAt);
  return {
    schema_version: 1,
    // Their gateway answers with action_id and records it as the item's source message. A UUID,
    // as theirs is, derived from the event and destination so a rebuild gives the same one.
    action_id: uuidFromName(`${event.id}/worklist.create_item/${destination.destinationId}`),
    action_type: 'worklist.create_item',
    timestamp: event.occurredAt,
    source_system: 'mbs-send-to-modality',
    source_reference: { appointment_id: appointmentId, participant_id: participant.participantId },
    parameters: {
      worklist_item: {
        accession_number: appointment.accessionNumber,
        participant: {
          nhs_number: participant.nhsNumber,
          name: dicomPersonName(participant.familyName, participant.givenName),
          birth_date: participant.dateOfBirth.replaceAll('-', ''),
          sex: dicomSex[participant.sex],
        },
        scheduled,
        procedure: { modality: 'MG', study_description: 'Screening Mammography' },
      },
    },
  };
}

/**
 * `FAMILY^GIVEN` within DICOM PN's 64 characters. The contract allows names of 100 characters,
 * and refusing the order for a long name would leave the participant unscreened, so each part
 * is cut to fit instead: a part shorter than half the room leaves the rest to the other; two long
 * parts share it (the family name keeps the larger half). The full name stays in our records;
 * the modality shows what DICOM can carry.
 */
export function dicomPersonName(familyName: string, givenName: string): string {
  const family = dicomName(familyName);
  const given = dicomName(givenName);
  const room = PN_GROUP_MAX - 1; // the ^ between them
  const givenKeeps = Math.min(given.length, Math.max(Math.floor(room / 2), room - family.length));
  const familyKeeps = Math.min(family.length, room - givenKeeps);
  // A cut can end on a space; DICOM pads with trailing spaces, so they carry nothing.
  return `${family.slice(0, familyKeeps).trimEnd()}^${given.slice(0, givenKeeps).trimEnd()}`;
}

/** Upper case, as NHS's sender writes names; ^ and \ are DICOM PN delimiters, so they go. */
function dicomName(part: string): string {
  return part
    .replace(/[\^\\]/g, ' ')
    .trim()
    .toUpperCase();
}

function localDateTime(instant: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: LOCAL_TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}${parts.month}${parts.day}`,
    time: `${parts.hour}${parts.minute}${parts.second}`,
  };
}
