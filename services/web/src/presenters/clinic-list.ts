import { addDays, type AppointmentState } from '@mbs/contracts';
import type { ClinicSummary, SettingView } from '../clients/appointment-client';
import { clinicTag, sessionLabel, type Tag } from './states';
import { formatDay, formatTime } from './times';

/** How far ahead "Upcoming" and how far back "Completed" look. */
export const CLINIC_LIST_DAYS = 28;

export type ClinicTab = 'today' | 'upcoming' | 'completed';

export interface ClinicListItem {
  readonly clinicId: string;
  readonly href: string;
  readonly location: string;
  readonly session: string;
  readonly day: string;
  readonly timeRange: string;
  readonly total: number;
  /** The states worth a glance, e.g. `2 checked in, 1 screened`. */
  readonly breakdown: string;
  readonly tag: Tag;
}

export interface ClinicTabs {
  readonly today: readonly ClinicListItem[];
  readonly upcoming: readonly ClinicListItem[];
  readonly completed: readonly ClinicListItem[];
}

/** The date ranges the clinics page reads, around London's today. */
export function clinicListRanges(today: string) {
  return {
    current: { from: today, to: addDays(today, CLINIC_LIST_DAYS) },
    completed: { from: addDays(today, -CLINIC_LIST_DAYS), to: today },
  };
}

const breakdownOrder: ReadonlyArray<[AppointmentState, string]> = [
  ['checked_in', 'checked in'],
  ['sent_to_modality', 'sent to modality'],
  ['with_modality', 'with modality'],
  ['screened', 'screened'],
  ['did_not_attend', 'did not attend'],
  ['cancelled', 'cancelled'],
];

export function clinicListItem(
  clinic: ClinicSummary,
  settings: ReadonlyMap<string, SettingView>,
): ClinicListItem {
  const counts = clinic.appointments.byState;
  const breakdown = breakdownOrder
    .filter(([state]) => (counts[state] ?? 0) > 0)
    .map(([state, label]) => `${counts[state]} ${label}`)
    .join(', ');
  return {
    clinicId: clinic.clinicId,
    href: `/clinics/${encodeURIComponent(clinic.clinicId)}`,
    location: settings.get(clinic.settingId)?.name ?? clinic.settingId,
    session: sessionLabel(clinic.session),
    day: formatDay(clinic.date),
    timeRange: `${formatTime(clinic.startsAt)} to ${formatTime(clinic.endsAt)}`,
    total: clinic.appointments.total,
    breakdown,
    tag: clinicTag(clinic.status),
  };
}

/**
 * Today's clinics, the ones ahead, and those closed in the last four weeks (today's included once
 * closed): the three tabs of the clinics page.
 */
export function clinicTabs(
  today: string,
  current: readonly ClinicSummary[],
  completed: readonly ClinicSummary[],
  settings: ReadonlyMap<string, SettingView>,
): ClinicTabs {
  const item = (clinic: ClinicSummary) => clinicListItem(clinic, settings);
  return {
    today: current.filter((c) => c.date === today).map(item),
    upcoming: current.filter((c) => c.date > today && c.status !== 'closed').map(item),
    completed: completed
      .filter((c) => c.status === 'closed')
      .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
      .map(item),
  };
}
