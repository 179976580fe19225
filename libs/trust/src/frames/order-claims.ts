import { Id } from '@mbs/contracts';
import { z } from 'zod';
import { DISPATCHER } from './frame-types';

/**
 * The signed claims of a sealed order. Only what the gateway must check before decrypting is in
 * clear (which message, which resend, for whom, when); everything identifying the participant is
 * in `order`, a compact JWE to the gateway's encryption key.
 */
export const OrderClaims = z.object({
  iss: z.literal(DISPATCHER),
  aud: z.string(),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1),
  messageId: Id,
  /** How many times staff resent the message (0 on its first send), as the deliver frame says. */
  resend: z.number().int().min(0),
  /** Which send this is, from 1, when the dispatcher says. */
  attempt: z.number().int().min(1).optional(),
  order: z.string().min(1),
});
export type OrderClaims = z.infer<typeof OrderClaims>;
