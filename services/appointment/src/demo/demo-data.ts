import type { AppointmentState } from '@mbs/contracts';
import { accessionNumberFor } from '../domain/accession-number';
import { addDays, londonInstant } from '@mbs/contracts';
import type { AppointmentRecord, HistoryEntry } from '../store/appointment-model';
import type { ClinicRecord, ClinicSession } from '../store/clinic-model';
import { idFor } from '../store/models';
import type { ParticipantRecord } from '../store/participant-model';
import type { SettingRecord } from '../store/setting-model';
import { testNhsNumbers } from './test-nhs-numbers';

export interface DemoData {
  readonly settings: SettingRecord[];
  readonly clinics: ClinicRecord[];
  readonly participants: ParticipantRecord[];
  readonly appointments: AppointmentRecord[];
}

/** The setting ids fhir-builder seeds destinations for: keep them exactly. */
const settings: Array<Omit<SettingRecord, '_id'>> = [
  {
    settingId: 'setting-leeds',
    name: "Leeds St James's Breast Screening Unit",
    kind: 'static',
    address: "St James's University Hospital, Beckett Street, Leeds LS9 7TF",
    odsCode: 'RR8', // Leeds Teaching Hospitals NHS Trust
  },
  {
    settingId: 'setting-york',
    name: 'York Breast Screening Unit',
    kind: 'static',
    address: 'York Hospital, Wigginton Road, York YO31 8HE',
    odsCode: 'RCB', // York and Scarborough Teaching Hospitals NHS Foundation Trust
  },
  {
    settingId: 'setting-harrogate',
    name: 'Harrogate Mobile Unit',
    kind: 'mobile',
    address: 'Mobile screening unit, Harrogate District Hospital car park, Harrogate HG2 7SX',
    odsCode: 'RCD', // Harrogate and District NHS Foundation Trust
  },
];

const sessions: Record<ClinicSession, { starts: string; ends: string }> = {
  morning: { starts: '09:00', ends: '12:00' },
  afternoon: { starts: '13:30', ends: '16:30' },
};

const givenNames = [
  'Margaret',
  'Susan',
  'Patricia',
  'Linda',
  'Helen',
  'Janet',
  'Carol',
  'Elaine',
  'Karen',
  'Deborah',
  'Julie',
  'Gillian',
  'Amanda',
  'Alison',
  'Jacqueline',
  'Sandra',
  'Priya',
  'Aisha',
  'Fatima',
  'Mei',
  'Siobhan',
  'Bronwen',
  'Nkechi',
  'Agnieszka',
];
const familyNames = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Wilson',
  'Evans',
  'Thomas',
  'Roberts',
  'Walker',
  'Wright',
  'Robinson',
  'Thompson',
  'Hughes',
  'Patel',
  'Khan',
  'Begum',
  'Ahmed',
  'Chen',
  "O'Connor",
  'Kowalska',
  'Okafor',
  'Harrison',
  'Clarke',
  'Lewis',
  'Hall',
];

export const APPOINTMENTS_PER_CLINIC = 8;
export const CLINIC_DAYS = 4;
export const SLOT_MINUTES = 20;
const demoActor = { userId: 'demo-seed', name: 'Demo data' };

/**
 * State of the n-th appointment of a clinic: on today's clinics one is screened, two are checked
 * in (ready to send), one was cancelled; later days are booked except one cancellation.
 */
function demoState(day: number, slot: number): AppointmentState {
  if (day === 0) {
    if (slot === 0) return 'screened';
    if (slot === 1 || slot === 2) return 'checked_in';
    if (slot === 6) return 'cancelled';
    return 'booked';
  }
  return slot === 5 && day === 2 ? 'cancelled' : 'booked';
}

/** The path a seeded appointment took to its state, as history, so the detail view has one. */
const pathTo: Record<AppointmentState, AppointmentState[]> = {
  booked: [],
  checked_in: ['checked_in'],
  sent_to_modality: ['checked_in', 'sent_to_modality'],
  with_modality: ['checked_in', 'sent_to_modality', 'with_modality'],
  screened: ['checked_in', 'sent_to_modality', 'with_modality', 'screened'],
  cancelled: ['cancelled'],
  did_not_attend: ['did_not_attend'],
};

function demoHistory(
  appointmentId: string,
  state: AppointmentState,
  startsAt: Date,
): HistoryEntry[] {
  let from: AppointmentState = 'booked';
  return pathTo[state].map((to, i) => {
    const entry: HistoryEntry = {
      from,
      to,
      at: new Date(startsAt.getTime() + (i - 1) * 5 * 60_000),
      by: demoActor,
      ...(to === 'cancelled' && { reason: 'Participant asked to rebook' }),
      causedBy: `demo-seed:${appointmentId}:${i + 1}`,
      cause: 'demo.seed',
    };
    from = to;
    return entry;
  });
}

/**
 * The participants of one day's appointments. Each calendar day draws from its own block of
 * serials (about one serial in eleven has no check digit, so a block of 100 holds 80 numbers), so
 * seeding on another day adds new people rather than booking the same ones twice.
 */
function nhsNumbersOf(date: string, count: number): string[] {
  if (count > 80) throw new RangeError('at most 80 demo participants a day');
  const day = Math.round(
    (Date.parse(`${date}T00:00:00Z`) - Date.parse('2020-01-01T00:00:00Z')) / 86_400_000,
  );
  return testNhsNumbers(count, day * 100);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Realistic demo data around `today` (a London date): each setting runs a morning and an
 * afternoon clinic today and on the next three days, eight appointments each, every participant
 * with a valid test NHS number. Deterministic: the same ids for the same day, so seeding twice
 * adds nothing.
 */
export function demoData(today: string): DemoData {
  const clinics: ClinicRecord[] = [];
  const participants: ParticipantRecord[] = [];
  const appointments: AppointmentRecord[] = [];
  const perDay = settings.length * Object.keys(sessions).length * APPOINTMENTS_PER_CLINIC;
  let n = 0;

  for (let day = 0; day < CLINIC_DAYS; day++) {
    const date = addDays(today, day);
    const nhsNumbers = nhsNumbersOf(date, perDay);
    let i = 0;
    for (const setting of settings) {
      for (const session of Object.keys(sessions) as ClinicSession[]) {
        const short = setting.settingId.replace(/^setting-/, '');
        const clinicId = `clinic-${short}-${date}-${session === 'morning' ? 'am' : 'pm'}`;
        const startsAt = londonInstant(date, sessions[session].starts);
        clinics.push({
          _id: idFor(clinicId),
          clinicId,
          settingId: setting.settingId,
          date,
          session,
          // Leeds runs assessment (recall) clinics in the afternoon after the first day.
          type:
            setting.settingId === 'setting-leeds' && session === 'afternoon' && day > 0
              ? 'assessment'
              : 'screening',
          status: day === 0 ? 'in_progress' : 'scheduled',
          startsAt,
          endsAt: londonInstant(date, sessions[session].ends),
        });
        for (let slot = 0; slot < APPOINTMENTS_PER_CLINIC; slot++, n++, i++) {
          const appointmentId = `apt-${short}-${date}-${session === 'morning' ? 'am' : 'pm'}-${pad(slot + 1)}`;
          const nhsNumber = nhsNumbers[i]!;
          const participantId = `participant-${nhsNumber}`;
          const age = 50 + ((n * 7) % 21); // screening invites women aged 50 to 70
          const birthYear = Number(today.slice(0, 4)) - age;
          participants.push({
            _id: idFor(participantId),
            participantId,
            nhsNumber,
            givenName: givenNames[(n * 5) % givenNames.length]!,
            familyName: familyNames[(n * 11) % familyNames.length]!,
            dateOfBirth: `${birthYear}-${pad(1 + (n % 12))}-${pad(1 + ((n * 3) % 28))}`,
            sex: 'female',
          });
          const slotStarts = new Date(startsAt.getTime() + slot * SLOT_MINUTES * 60_000);
          const state = demoState(day, slot);
          appointments.push({
            _id: idFor(appointmentId),
            appointmentId,
            clinicId,
            settingId: setting.settingId,
            participantId,
            startsAt: slotStarts,
            endsAt: new Date(slotStarts.getTime() + SLOT_MINUTES * 60_000),
            accessionNumber: accessionNumberFor(appointmentId),
            state,
            history: demoHistory(appointmentId, state, slotStarts),
            appliedKeys: [],
          });
        }
      }
    }
  }
  return {
    settings: settings.map((s) => ({ _id: idFor(s.settingId), ...s })),
    clinics,
    participants,
    appointments,
  };
}
