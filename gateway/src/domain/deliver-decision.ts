/**
 * Where a message the gateway has taken stands: `received` (taken, being delivered), then
 * `confirmed` (the target took it), `rejected` (the target refused it) or `unavailable` (the
 * target could not be reached or did not take it after the local retries). What a later deliver
 * of it does in each is `decideDeliver`'s.
 */
export type MessageStatus = 'received' | 'confirmed' | 'rejected' | 'unavailable';

/** What the store holds for a message id, as far as the dedup rule looks at it. */
export interface RecordedDeliver {
  readonly status: MessageStatus;
  /** The highest staff resend count taken for it (0 for the first send). */
  readonly resend: number;
  readonly reason: string | undefined;
  /** SHA-256 of its order as first taken (`orderHash`); absent for one recorded before hashes. */
  readonly orderHash?: string | undefined;
}

/** What the rule looks at in a deliver: its resend count and the hash of its order. */
export interface DeliverSeen {
  readonly resend?: number | undefined;
  /** Of the order it carries (`orderHash`), once opened. */
  readonly orderHash?: string | undefined;
}

export type DeliverDecision =
  /** An id never seen: record it `received` at the deliver's resend count and deliver it. */
  | { readonly kind: 'take' }
  /**
   * A known message taken again: back to `received` (reason and outcome time cleared) at
   * `resend`, and delivered again.
   */
  | { readonly kind: 'take-again'; readonly resend: number }
  /** Answered `already_have` with its final outcome (and reason); not delivered again. */
  | {
      readonly kind: 'report-outcome';
      readonly outcome: 'confirmed' | 'rejected';
      readonly reason: string | undefined;
    }
  /**
   * Still being delivered: answered `already_have` without an outcome, its delivery resumed if
   * it is not running (one whose outcome could not be recorded), and `raiseResendTo` recorded
   * when the deliver carries a higher resend count, since the delivery under way is that resend's.
   */
  | {
      readonly kind: 'still-delivering';
      readonly raiseResendTo: number | undefined;
      /** As recorded (a message being delivered normally has none). */
      readonly reason: string | undefined;
    }
  /**
   * The message id is known with ANOTHER order: a replay with changed content (or a second order
   * under one id). Refused, `replayed_with_different_content`; nothing recorded or delivered.
   */
  | { readonly kind: 'refuse-different-content' };

/** What a deliver of a message id the store already holds does (every decision but `take`). */
export type KnownDeliverDecision = Exclude<DeliverDecision, { readonly kind: 'take' }>;

/**
 * The gateway's dedup rule: what a `deliver` does, given what the store holds for its message id.
 * It is the only statement of the rule; the store carries the decision out in the transaction it
 * read the record in, and the deliver handler answers and delivers by it.
 *
 * | recorded      | deliver's r      | decision                         | answer, delivery          |
 * | ------------- | ---------------- | -------------------------------- | ------------------------- |
 * | nothing       | any              | `take`, recorded at r            | received, delivered       |
 * | another order | any              | `refuse-different-content`       | refused, nothing at all   |
 * | unavailable   | any              | `take-again` at max(recorded, r) | received, delivered again |
 * | rejected      | above recorded   | `take-again` at r                | received, delivered again |
 * | rejected      | recorded or less | `report-outcome` rejected        | already_have + rejected   |
 * | confirmed     | any              | `report-outcome` confirmed       | already_have + confirmed  |
 * | received      | above recorded   | `still-delivering`, raise to r   | already_have, resumed (*) |
 * | received      | recorded or less | `still-delivering`               | already_have, resumed (*) |
 *
 * r is the deliver's `resend` (a missing one counts as 0, from a dispatcher that did not count
 * resends), "recorded" the count the store holds; "another order", a record whose order hash
 * differs from the deliver's, whatever its status. (*) A message still being delivered is resumed
 * only when its delivery is not running (one whose outcome could not be recorded).
 *
 * Decisions worth knowing:
 * - `unavailable` is not a failure of the message: the dispatcher's own retries of it rely on
 *   being delivered again, whatever resend count they carry;
 * - `rejected` is final for the dispatcher's retries and duplicates (the count it was rejected
 *   at); staff resend it, once the hospital fixed its side, with a higher count;
 * - `confirmed` is never delivered twice, whatever the count, its payload purged or not;
 * - an `already_have` carries the reason recorded with the message, when there is one;
 * - the first copy recorded is the message: a later deliver of its id whose order differs (the
 *   hash of the decrypted order, whatever its status, purged or not) is refused as a replay with
 *   changed content, before anything else; otherwise only the id and the resend count decide (a
 *   message recorded before hashes were kept has none and is not compared).
 */
export function decideDeliver(
  existing: undefined,
  deliver: DeliverSeen,
): Extract<DeliverDecision, { readonly kind: 'take' }>;
export function decideDeliver(
  existing: RecordedDeliver,
  deliver: DeliverSeen,
): KnownDeliverDecision;
export function decideDeliver(
  existing: RecordedDeliver | undefined,
  deliver: DeliverSeen,
): DeliverDecision;
export function decideDeliver(
  existing: RecordedDeliver | undefined,
  deliver: DeliverSeen,
): DeliverDecision {
  const resend = deliver.resend ?? 0;
  if (!existing) return { kind: 'take' };
  if (existing.orderHash && deliver.orderHash && existing.orderHash !== deliver.orderHash) {
    return { kind: 'refuse-different-content' };
  }
  switch (existing.status) {
    case 'unavailable':
      return { kind: 'take-again', resend: Math.max(existing.resend, resend) };
    case 'rejected':
      return resend > existing.resend
        ? { kind: 'take-again', resend }
        : { kind: 'report-outcome', outcome: 'rejected', reason: existing.reason };
    case 'confirmed':
      return { kind: 'report-outcome', outcome: 'confirmed', reason: existing.reason };
    case 'received':
      return {
        kind: 'still-delivering',
        raiseResendTo: resend > existing.resend ? resend : undefined,
        reason: existing.reason,
      };
  }
}
