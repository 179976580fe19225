import { WithdrawSend } from '@mbs/contracts';
import { staffTransitionHandler } from './staff-transition';

/**
 * sent_to_modality -> checked_in, with the reason staff gave, once per command id: the way out
 * when a send has had no answer (neither confirmed nor reported failed), so staff are never stuck
 * waiting. Staff then send again, cancel or mark the appointment. A confirmation of the withdrawn
 * send arriving later is taken as a late confirmation (the hospital has the order after all); a
 * failure of it is recorded and changes nothing (see earlier-send.ts). A refusal (nothing to
 * withdraw) is told back as *appointment command rejected*, then the command is dead-lettered.
 */
export const withdrawSendHandler = staffTransitionHandler(
  WithdrawSend,
  'withdraw_send',
  (reason) => `Send withdrawn: ${reason}`,
);
