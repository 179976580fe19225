import {
  Actor,
  AppointmentState,
  CalendarDate,
  Id,
  Instant,
  ParticipantSnapshot,
  StaffActionName,
} from '@mbs/contracts';
import { z } from 'zod';
import type { QueryAs, QueryClient } from './query-client';

/**
 * What web reads from appointment's query API (services/appointment README, "HTTP query API").
 * Tolerant readers: the fields web uses, built from the contracts' own values; anything else the
 * API adds is ignored, and an answer that lacks one of these is "unavailable", never a crash.
 */
export const SettingView = z.object({
  settingId: Id,
  name: z.string(),
  odsCode: z.string(),
  kind: z.string(),
  address: z.string().optional(),
});
export type SettingView = z.infer<typeof SettingView>;

export const ClinicStatus = z.enum(['scheduled', 'in_progress', 'closed', 'cancelled']);
export type ClinicStatus = z.infer<typeof ClinicStatus>;

export const ClinicView = z.object({
  clinicId: Id,
  settingId: Id,
  date: CalendarDate,
  session: z.string(),
  type: z.string(),
  status: ClinicStatus,
  startsAt: Instant,
  endsAt: Instant,
});
export type ClinicView = z.infer<typeof ClinicView>;

export const ClinicSummary = ClinicView.extend({
  appointments: z.object({
    total: z.number().int(),
    byState: z.record(AppointmentState, z.number().int()),
  }),
});
export type ClinicSummary = z.infer<typeof ClinicSummary>;

export const ParticipantView = ParticipantSnapshot;
export type ParticipantView = z.infer<typeof ParticipantView>;

export const AppointmentRow = z.object({
  appointmentId: Id,
  startsAt: Instant,
  endsAt: Instant,
  state: AppointmentState,
  staffActions: z.array(StaffActionName),
  accessionNumber: z.string(),
  participant: ParticipantView.nullable(),
});
export type AppointmentRow = z.infer<typeof AppointmentRow>;

export const HistoryEntryView = z.object({
  from: AppointmentState,
  to: AppointmentState,
  at: Instant,
  by: Actor.optional(),
  reason: z.string().optional(),
  causedBy: z.string(),
  cause: z.string(),
  /** The same fact came this many more times (counted, not appended). */
  repeats: z.number().int().optional(),
  lastRepeatAt: Instant.optional(),
});
export type HistoryEntryView = z.infer<typeof HistoryEntryView>;

export const AppointmentDetail = AppointmentRow.extend({
  clinicId: Id,
  settingId: Id,
  clinic: ClinicView.nullable(),
  setting: SettingView.nullable(),
  history: z.array(HistoryEntryView),
});
export type AppointmentDetail = z.infer<typeof AppointmentDetail>;

const Settings = z.object({ settings: z.array(SettingView) });
const Clinics = z.object({ from: CalendarDate, to: CalendarDate, clinics: z.array(ClinicSummary) });
const ClinicAppointments = z.object({ clinic: ClinicView, appointments: z.array(AppointmentRow) });

export type AppointmentQueries = ReturnType<typeof appointmentQueries>;

/** appointment's reads, each as the member of staff `as` (whose token it carries). */
export function appointmentQueries(client: QueryClient) {
  const path = encodeURIComponent;
  return {
    settings: async (as: QueryAs) => (await client.get('/settings', Settings, as)).settings,
    clinics: (as: QueryAs, range: { from: string; to: string; status?: ClinicStatus }) =>
      client.get(`/clinics?${new URLSearchParams(range).toString()}`, Clinics, as),
    clinicAppointments: (as: QueryAs, clinicId: string) =>
      client.get(`/clinics/${path(clinicId)}/appointments`, ClinicAppointments, as),
    appointment: (as: QueryAs, appointmentId: string) =>
      client.get(`/appointments/${path(appointmentId)}`, AppointmentDetail, as),
  };
}
