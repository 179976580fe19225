/**
 * The names the relay frames carry. Each kind of token has its own header `typ`, so a token of
 * one kind never passes for another signed by the same key.
 */

/** Who signs orders and acks, and the audience of everything a gateway signs. */
export const DISPATCHER = 'relay-dispatcher';
/** The `typ` of a sealed order (dispatcher to gateway). */
export const ORDER_TYP = 'mbs-order+jwt';
/** The `typ` of a signed upstream frame (gateway to dispatcher). */
export const UPSTREAM_TYP = 'mbs-upstream+jwt';
/** The `typ` of a signed ack of an upstream event (dispatcher to gateway). */
export const ACK_TYP = 'mbs-ack+jwt';
