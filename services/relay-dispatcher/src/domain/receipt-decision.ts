import type { FailurePhase, Receipt } from '@mbs/contracts';
import { destinationRejection } from './destination-rejection';

export type ReceiptDecision =
  /** The gateway has it; its outcome follows upstream. */
  | { readonly kind: 'delivered' }
  /** The gateway had it already and the hospital accepted it. */
  | { readonly kind: 'confirmed'; readonly alreadyHad: true }
  | { readonly kind: 'failed'; readonly phase: FailurePhase; readonly reason: string };

/**
 * The gateway's answer to `deliver`, as a next state. "Already have it" is never a failure (the
 * NHS sender's mistake was to fail "exists"): it is confirmed when the earlier delivery was,
 * failed when the hospital rejected it, and otherwise delivered with its outcome still to come.
 */
export function decideReceipt(receipt: Receipt): ReceiptDecision {
  switch (receipt.status) {
    case 'received':
      return { kind: 'delivered' };
    case 'already_have':
      if (receipt.outcome === 'confirmed') return { kind: 'confirmed', alreadyHad: true };
      if (receipt.outcome === 'rejected') {
        return { kind: 'failed', ...destinationRejection(receipt.reason) };
      }
      return { kind: 'delivered' };
    case 'refused':
      // Permanent: the same frame would be refused again. A refusal of the order's protection
      // names its code first (`refused: bad_signature`), as staff and logs search for it.
      return {
        kind: 'failed',
        phase: 'send',
        reason: receipt.code
          ? `refused: ${receipt.code} (the gateway refused the order: ${receipt.reason ?? 'no reason given'})`
          : `The gateway refused the message: ${receipt.reason ?? 'no reason given'}`,
      };
  }
}
