import { appointmentStateLabels, type AppointmentState } from '@mbs/contracts';
import type { ClinicStatus } from '../clients/appointment-client';

/** A status as the tag component shows it. */
export interface Tag {
  readonly text: string;
  readonly colour: string;
}

/**
 * One colour per appointment state, read at a glance down a clinic list: waiting states cool,
 * the send in flight yellow, done green, ended without screening red or orange.
 */
const appointmentColours: Record<AppointmentState, string> = {
  booked: 'grey',
  checked_in: 'blue',
  sent_to_modality: 'yellow',
  with_modality: 'purple',
  screened: 'green',
  cancelled: 'red',
  did_not_attend: 'orange',
};

export const appointmentTag = (state: AppointmentState): Tag => ({
  text: appointmentStateLabels[state],
  colour: appointmentColours[state],
});

const clinicTags: Record<ClinicStatus, Tag> = {
  scheduled: { text: 'Scheduled', colour: 'grey' },
  in_progress: { text: 'In progress', colour: 'blue' },
  closed: { text: 'Closed', colour: 'green' },
  cancelled: { text: 'Cancelled', colour: 'red' },
};

export const clinicTag = (status: ClinicStatus): Tag => clinicTags[status];

const sessionLabels: Record<string, string> = { morning: 'Morning', afternoon: 'Afternoon' };

export const sessionLabel = (session: string): string =>
  sessionLabels[session] ?? session.charAt(0).toUpperCase() + session.slice(1);
