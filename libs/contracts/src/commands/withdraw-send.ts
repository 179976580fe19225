import { z } from 'zod';
import { defineContract } from '../contract';
import { StaffAction } from './staff-action';

/**
 * Staff take back a send to the modality that nobody has confirmed or reported failed, so an
 * appointment never waits in sent_to_modality for an answer that is not coming (a lost event, a
 * broker down past every retry). The appointment returns to checked_in; staff then send again,
 * cancel or mark it. The reason is required because it stays in the history. A confirmation of
 * the withdrawn send that arrives afterwards still counts: the hospital has the order.
 */
export const WithdrawSend = defineContract({
  kind: 'command',
  type: 'appointment.withdraw-send',
  version: 1,
  description: 'Withdraw a send to the modality that has had no answer, saying why',
  data: StaffAction.extend({ reason: z.string().trim().min(1).max(500) }),
});
