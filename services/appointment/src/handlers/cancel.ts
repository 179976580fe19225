import { CancelAppointment } from '@mbs/contracts';
import { staffTransitionHandler } from './staff-transition';

/**
 * booked or checked_in -> cancelled, with the reason staff gave, once per command id. A refusal
 * is told back to staff as *appointment command rejected*, then the command is dead-lettered.
 */
export const cancelHandler = staffTransitionHandler(CancelAppointment, 'cancel');
