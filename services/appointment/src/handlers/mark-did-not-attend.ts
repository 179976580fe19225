import { MarkDidNotAttend } from '@mbs/contracts';
import { staffTransitionHandler } from './staff-transition';

/**
 * booked -> did_not_attend, once per command id. A refusal is told back to staff as
 * *appointment command rejected*, then the command is dead-lettered.
 */
export const markDidNotAttendHandler = staffTransitionHandler(
  MarkDidNotAttend,
  'mark_did_not_attend',
);
