import { CheckIn } from '@mbs/contracts';
import { staffTransitionHandler } from './staff-transition';

/**
 * booked -> checked_in, once per command id. A refusal is told back to staff as *appointment
 * command rejected*, then the command is dead-lettered.
 */
export const checkInHandler = staffTransitionHandler(CheckIn, 'check_in');
