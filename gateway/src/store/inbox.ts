import type Database from 'better-sqlite3';
import type { DeliverBody } from '@mbs/contracts';
import {
  decideDeliver,
  type DeliverDecision,
  type KnownDeliverDecision,
  type MessageStatus,
} from '../domain/deliver-decision';

/** A message the gateway has taken from the dispatcher, as recorded. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly appointmentId: string;
  readonly accessionNumber: string;
  readonly messageType: string;
  readonly target: string;
  readonly contentType: string;
  readonly payload: string;
  readonly traceparent: string | undefined;
  readonly status: MessageStatus;
  readonly reason: string | undefined;
  /** The highest staff resend count taken for it (`DeliverBody.resend`; 0 for the first send). */
  readonly resend: number;
  readonly receivedAt: string;
  readonly outcomeAt: string | undefined;
  /**
   * When its payload was removed (`payload` is then empty): confirmed longer ago than the
   * retention. The rest of the record stays, so a resend is still recognised.
   */
  readonly payloadPurgedAt?: string | undefined;
  /** SHA-256 of its decrypted order (`orderHash`); absent for one recorded before hashes. */
  readonly orderHash?: string | undefined;
}

/**
 * A deliver as the store took it (`GatewayStore.receive`): the dedup decision, the record as it
 * was found (none for a new message) and as it is now.
 */
export type ReceiveResult =
  | {
      readonly decision: Extract<DeliverDecision, { kind: 'take' }>;
      readonly found: undefined;
      readonly message: ReceivedMessage;
    }
  | {
      readonly decision: KnownDeliverDecision;
      readonly found: ReceivedMessage;
      readonly message: ReceivedMessage;
    };

export interface InboxCounts {
  /** Every message taken (the dispatcher's `delivered`). */
  readonly delivered: number;
  readonly inProgress: number;
  readonly confirmed: number;
  readonly rejected: number;
  /** Given up on because the target was down; the dispatcher sends them again. */
  readonly unavailable: number;
  /** Confirmed messages whose payload the retention removed. */
  readonly payloadsPurged: number;
}

interface MessageRow {
  message_id: string;
  appointment_id: string;
  accession_number: string;
  message_type: string;
  target: string;
  content_type: string;
  payload: string;
  traceparent: string | null;
  status: MessageStatus;
  reason: string | null;
  resend: number;
  received_at: string;
  outcome_at: string | null;
  payload_purged_at: string | null;
  order_hash: string | null;
}

/**
 * The messages the gateway has taken (the `messages` table), by message id, and where each
 * delivery stands. A deliver is taken by the dedup rule (`decideDeliver`), read, decided and
 * recorded in one transaction. `setOutcome` joins its caller's transaction, so the outcome and
 * its upstream report (the outbox) are written together.
 */
export class Inbox {
  constructor(private readonly db: Database.Database) {}

  /**
   * Takes a deliver by the dedup rule (`decideDeliver`), in one transaction: reads what is
   * recorded for its message id, decides, and records what the decision says (the new message, the
   * message taken again, a higher resend count). When it returns, that is on disk. `orderHash`, of
   * the deliver's decrypted order, is recorded with a new message and compared with a known one's
   * (another order is refused, `refuse-different-content`, and changes nothing).
   */
  receive(
    body: DeliverBody,
    traceparent: string | undefined,
    at: Date,
    orderHash?: string,
  ): ReceiveResult {
    return this.db.transaction((): ReceiveResult => {
      const found = this.get(body.messageId);
      const seen = { resend: body.resend, orderHash };
      if (!found) {
        const decision = decideDeliver(found, seen);
        this.insert(body, traceparent, at, orderHash);
        return { decision, found, message: this.get(body.messageId)! };
      }
      const decision = decideDeliver(found, seen);
      this.carryOut(body.messageId, decision);
      return { decision, found, message: this.get(body.messageId)! };
    })();
  }

  /**
   * Records a message unless its id is known. Returns `recorded` for a new message, or the
   * message as already recorded (a resend).
   */
  recordReceived(
    body: DeliverBody,
    traceparent: string | undefined,
    at: Date,
    orderHash?: string,
  ): { recorded: true } | { recorded: false; existing: ReceivedMessage } {
    return this.db.transaction(() => {
      if (this.insert(body, traceparent, at, orderHash)) return { recorded: true as const };
      return { recorded: false as const, existing: this.get(body.messageId)! };
    })();
  }

  /**
   * A known message sent again at staff resend count `resend`, as `receive` takes it (without
   * recording an unknown one): returns whether the dedup rule (`decideDeliver`) takes it again,
   * so it is to be delivered again.
   */
  reopen(messageId: string, resend: number): boolean {
    return this.db.transaction(() => {
      const found = this.get(messageId);
      if (!found) return false;
      const decision = decideDeliver(found, { resend });
      this.carryOut(messageId, decision);
      return decision.kind === 'take-again';
    })();
  }

  get(messageId: string): ReceivedMessage | undefined {
    const row = this.db.prepare('SELECT * FROM messages WHERE message_id = ?').get(messageId) as
      MessageRow | undefined;
    return row ? toMessage(row) : undefined;
  }

  /** Messages taken but not yet delivered to their target: resumed after a restart. */
  inProgress(): ReceivedMessage[] {
    return (
      this.db
        .prepare(`SELECT * FROM messages WHERE status = 'received' ORDER BY received_at`)
        .all() as MessageRow[]
    ).map(toMessage);
  }

  /**
   * Records the outcome of a delivery, within the caller's transaction. Returns the message as
   * recorded now, or undefined (changing nothing) when it already has an outcome.
   */
  setOutcome(
    messageId: string,
    outcome: Exclude<MessageStatus, 'received'>,
    reason: string | undefined,
    at: Date,
  ): ReceivedMessage | undefined {
    const result = this.db
      .prepare(
        `UPDATE messages SET status = ?, reason = ?, outcome_at = ?
         WHERE message_id = ? AND status = 'received'`,
      )
      .run(outcome, reason ?? null, at.toISOString(), messageId);
    return result.changes === 1 ? this.get(messageId) : undefined;
  }

  /**
   * Removes the payload of every message confirmed at or before `confirmedBefore` (the retention
   * counts from the final state), keeping the rest of its record: the id (so a resend is still
   * recognised), accession number, target, times. Only `confirmed`, which `decideDeliver` never
   * delivers again: a `received` or `unavailable` message is still on its way and a `rejected`
   * one may be resent by staff, delivered from the payload kept here. With
   * `secure_delete` the old bytes are overwritten, and the WAL that still holds them is
   * checkpointed and truncated. Returns how many payloads it removed.
   */
  purgePayloads(confirmedBefore: Date, at: Date): number {
    const purged = this.db
      .prepare(
        `UPDATE messages SET payload = '', payload_purged_at = ?
         WHERE status = 'confirmed' AND payload_purged_at IS NULL
           AND julianday(outcome_at) <= julianday(?)`,
      )
      .run(at.toISOString(), confirmedBefore.toISOString()).changes;
    if (purged > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return purged;
  }

  counts(): InboxCounts {
    return this.db
      .prepare(
        `SELECT count(*) AS delivered,
           coalesce(sum(status = 'received'), 0) AS inProgress,
           coalesce(sum(status = 'confirmed'), 0) AS confirmed,
           coalesce(sum(status = 'rejected'), 0) AS rejected,
           coalesce(sum(status = 'unavailable'), 0) AS unavailable,
           coalesce(sum(payload_purged_at IS NOT NULL), 0) AS payloadsPurged
         FROM messages`,
      )
      .get() as InboxCounts;
  }

  /** Records what a decision about a known message changes (within the caller's transaction). */
  private carryOut(messageId: string, decision: KnownDeliverDecision): void {
    if (decision.kind === 'take-again') {
      this.db
        .prepare(
          `UPDATE messages SET status = 'received', reason = NULL, outcome_at = NULL, resend = ?
           WHERE message_id = ?`,
        )
        .run(decision.resend, messageId);
    } else if (decision.kind === 'still-delivering' && decision.raiseResendTo !== undefined) {
      this.db
        .prepare('UPDATE messages SET resend = ? WHERE message_id = ?')
        .run(decision.raiseResendTo, messageId);
    }
  }

  /** Records a new message `received`; returns false (changing nothing) when its id is known. */
  private insert(
    body: DeliverBody,
    traceparent: string | undefined,
    at: Date,
    orderHash: string | undefined,
  ): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO messages (message_id, appointment_id, accession_number, message_type,
             target, content_type, payload, traceparent, status, resend, received_at, order_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?)
           ON CONFLICT (message_id) DO NOTHING`,
        )
        .run(
          body.messageId,
          body.appointmentId,
          body.accessionNumber,
          body.messageType,
          body.target,
          body.contentType,
          body.payload,
          traceparent ?? null,
          body.resend ?? 0,
          at.toISOString(),
          orderHash ?? null,
        ).changes === 1
    );
  }
}

function toMessage(row: MessageRow): ReceivedMessage {
  return {
    messageId: row.message_id,
    appointmentId: row.appointment_id,
    accessionNumber: row.accession_number,
    messageType: row.message_type,
    target: row.target,
    contentType: row.content_type,
    payload: row.payload,
    traceparent: row.traceparent ?? undefined,
    status: row.status,
    reason: row.reason ?? undefined,
    resend: row.resend,
    receivedAt: row.received_at,
    outcomeAt: row.outcome_at ?? undefined,
    payloadPurgedAt: row.payload_purged_at ?? undefined,
    orderHash: row.order_hash ?? undefined,
  };
}
