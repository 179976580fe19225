import type { AppointmentRow } from '../clients/appointment-client';
import { ageOn, formatNhsNumber, fullName } from './people';
import { appointmentHref, type StaffActionView, staffActionViews } from './staff-actions';
import { appointmentTag, type Tag } from './states';
import { formatDate, formatTime } from './times';

export interface AppointmentRowView {
  readonly appointmentId: string;
  /** The row's element id: the live update swaps rows by it. */
  readonly rowId: string;
  readonly href: string;
  readonly time: string;
  readonly name: string;
  readonly nhsNumber: string;
  readonly age?: number;
  readonly dateOfBirth?: string;
  readonly tag: Tag;
  readonly actions: readonly StaffActionView[];
}

export const rowIdOf = (appointmentId: string) =>
  `appointment-${appointmentId.replace(/[^\w-]/g, '_')}`;

/** One row of a clinic's list. A participant the service could not find shows as unknown. */
export function appointmentRowView(
  row: AppointmentRow,
  today: string,
  returnTo: string,
): AppointmentRowView {
  const name = row.participant ? fullName(row.participant) : 'Participant not found';
  return {
    appointmentId: row.appointmentId,
    rowId: rowIdOf(row.appointmentId),
    href: appointmentHref(row.appointmentId),
    time: formatTime(row.startsAt),
    name,
    nhsNumber: row.participant ? formatNhsNumber(row.participant.nhsNumber) : 'Not known',
    age: row.participant ? ageOn(row.participant.dateOfBirth, today) : undefined,
    dateOfBirth: row.participant ? formatDate(row.participant.dateOfBirth) : undefined,
    tag: appointmentTag(row.state),
    actions: row.participant
      ? staffActionViews(row.appointmentId, row.staffActions, name, returnTo)
      : [],
  };
}
