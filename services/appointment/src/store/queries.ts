import { AppointmentState } from '@mbs/contracts';
import { staffActionsFrom } from '../domain/appointment-state';
import type { AppointmentRecord, HistoryEntry } from './appointment-model';
import type { ClinicRecord, ClinicStatus } from './clinic-model';
import { idFor, type Models } from './models';
import type { ParticipantRecord } from './participant-model';
import type { SettingRecord } from './setting-model';

/** Read-only views for the HTTP query API: plain JSON, readable ids, never `_id`s. */

export type StateCounts = Record<AppointmentState, number>;

const iso = (date: Date) => new Date(date).toISOString();

function settingView(s: SettingRecord) {
  return {
    settingId: s.settingId,
    name: s.name,
    odsCode: s.odsCode,
    kind: s.kind,
    address: s.address,
  };
}

function clinicView(c: ClinicRecord) {
  return {
    clinicId: c.clinicId,
    settingId: c.settingId,
    date: c.date,
    session: c.session,
    type: c.type,
    status: c.status,
    startsAt: iso(c.startsAt),
    endsAt: iso(c.endsAt),
  };
}

function participantView(p: ParticipantRecord) {
  return {
    participantId: p.participantId,
    nhsNumber: p.nhsNumber,
    givenName: p.givenName,
    familyName: p.familyName,
    dateOfBirth: p.dateOfBirth,
    sex: p.sex,
  };
}

function historyView(h: HistoryEntry) {
  return {
    from: h.from,
    to: h.to,
    at: iso(h.at),
    ...(h.by && { by: { userId: h.by.userId, name: h.by.name } }),
    ...(h.reason && { reason: h.reason }),
    causedBy: h.causedBy,
    cause: h.cause,
    ...(h.repeats && { repeats: h.repeats, lastRepeatAt: iso(h.lastRepeatAt ?? h.at) }),
  };
}

export async function listSettings(models: Models) {
  const settings = await models.Setting.find().sort({ name: 1 }).lean<SettingRecord[]>();
  return settings.map(settingView);
}

export function emptyCounts(): StateCounts {
  return Object.fromEntries(AppointmentState.options.map((s) => [s, 0])) as StateCounts;
}

export interface ClinicFilter {
  readonly from: string;
  readonly to: string;
  readonly status?: ClinicStatus;
  readonly settingId?: string;
}

/** Clinics between two dates (inclusive), each with its appointments counted by state. */
export async function listClinics(models: Models, filter: ClinicFilter) {
  const clinics = await models.Clinic.find({
    date: { $gte: filter.from, $lte: filter.to },
    ...(filter.status && { status: filter.status }),
    ...(filter.settingId && { settingId: filter.settingId }),
  })
    .sort({ startsAt: 1, settingId: 1 })
    .lean<ClinicRecord[]>();
  const counts = new Map(clinics.map((c) => [c.clinicId, emptyCounts()]));
  if (clinics.length > 0) {
    const appointments = await models.Appointment.find(
      { clinicId: { $in: clinics.map((c) => c.clinicId) } },
      { clinicId: 1, state: 1 },
    ).lean<Array<Pick<AppointmentRecord, 'clinicId' | 'state'>>>();
    for (const a of appointments) {
      const forClinic = counts.get(a.clinicId);
      if (forClinic) forClinic[a.state] += 1;
    }
  }
  return clinics.map((c) => {
    const byState = counts.get(c.clinicId) ?? emptyCounts();
    const total = Object.values(byState).reduce((sum, n) => sum + n, 0);
    return { ...clinicView(c), appointments: { total, byState } };
  });
}

/** A clinic and its appointments in time order, with who each participant is; undefined if unknown. */
export async function clinicAppointments(models: Models, clinicId: string) {
  const clinic = await models.Clinic.findById(idFor(clinicId)).lean<ClinicRecord>();
  if (!clinic) return undefined;
  const appointments = await models.Appointment.find({ clinicId })
    .sort({ startsAt: 1 })
    .lean<AppointmentRecord[]>();
  const participants = await participantsById(
    models,
    appointments.map((a) => a.participantId),
  );
  return {
    clinic: clinicView(clinic),
    appointments: appointments.map((a) => {
      const participant = participants.get(a.participantId);
      return {
        appointmentId: a.appointmentId,
        startsAt: iso(a.startsAt),
        endsAt: iso(a.endsAt),
        state: a.state,
        staffActions: staffActionsFrom(a.state),
        accessionNumber: a.accessionNumber,
        participant: participant ? participantView(participant) : null,
      };
    }),
  };
}

/** One appointment with its clinic, setting, participant and full history; undefined if unknown. */
export async function appointmentDetail(models: Models, appointmentId: string) {
  const a = await models.Appointment.findById(idFor(appointmentId)).lean<AppointmentRecord>();
  if (!a) return undefined;
  const [clinic, setting, participant] = await Promise.all([
    models.Clinic.findById(idFor(a.clinicId)).lean<ClinicRecord>(),
    models.Setting.findById(idFor(a.settingId)).lean<SettingRecord>(),
    models.Participant.findById(idFor(a.participantId)).lean<ParticipantRecord>(),
  ]);
  return {
    appointmentId: a.appointmentId,
    clinicId: a.clinicId,
    settingId: a.settingId,
    startsAt: iso(a.startsAt),
    endsAt: iso(a.endsAt),
    state: a.state,
    staffActions: staffActionsFrom(a.state),
    accessionNumber: a.accessionNumber,
    clinic: clinic ? clinicView(clinic) : null,
    setting: setting ? settingView(setting) : null,
    participant: participant ? participantView(participant) : null,
    history: a.history.map(historyView),
  };
}

async function participantsById(models: Models, ids: readonly string[]) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map<string, ParticipantRecord>();
  const found = await models.Participant.find({
    _id: { $in: unique.map(idFor) },
  }).lean<ParticipantRecord[]>();
  return new Map(found.map((p) => [p.participantId, p]));
}
