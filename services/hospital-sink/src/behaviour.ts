import { ReasonAllowingEmpty } from '@mbs/contracts';
import { z } from 'zod';

/** The longest the sink may be told to wait before answering. */
export const MAX_DELAY_MS = 120_000;

/** How the sink answers what is posted to it: accept, or reject with a status; optionally slowly. */
export const Behaviour = z
  .strictObject({
    mode: z.enum(['accept', 'reject']),
    /** The status to answer with. Default 200 to accept, 422 to reject. */
    status: z.number().int().min(200).max(599).optional(),
    /** Wait this long before answering (to show timeouts and retries). */
    delayMs: z.number().int().min(0).max(MAX_DELAY_MS).default(0),
    /** The body of a rejection. */
    reason: ReasonAllowingEmpty.optional(),
  })
  .refine((b) => b.status === undefined || (b.mode === 'accept') === b.status < 400, {
    error: 'status must be 2xx/3xx to accept and 4xx/5xx to reject',
    path: ['status'],
  });
export type Behaviour = z.infer<typeof Behaviour>;

export const ACCEPT: Behaviour = { mode: 'accept', delayMs: 0 };

/** The status and body the sink answers with under a behaviour. */
export function answerFor(behaviour: Behaviour): { status: number; reason: string | undefined } {
  if (behaviour.mode === 'accept') return { status: behaviour.status ?? 200, reason: undefined };
  return {
    status: behaviour.status ?? 422,
    reason: behaviour.reason ?? 'rejected by the hospital sink',
  };
}
