/** Said when the hospital destination refused a message without giving a reason. */
const NO_REASON_GIVEN = 'The hospital destination rejected the message';

/**
 * A rejection by the hospital destination as a failure of the message: permanent
 * (`destination_rejected`), with the destination's own reason when it gave one. The same whether
 * the rejection came as an upstream outcome or with the gateway's "already have it".
 */
export function destinationRejection(reason: string | undefined): {
  readonly phase: 'destination_rejected';
  readonly reason: string;
} {
  return { phase: 'destination_rejected', reason: reason ?? NO_REASON_GIVEN };
}
