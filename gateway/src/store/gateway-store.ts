import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { DeliverBody, UpstreamEvent } from '@mbs/contracts';
import {
  createEmptySync,
  makeDirectorySync,
  OWNER_ONLY_DIRECTORY,
  OWNER_ONLY_FILE,
  tightenSync,
} from '../files/owner-only';
import {
  decideDeliver,
  type DeliverDecision,
  type KnownDeliverDecision,
  type MessageStatus,
} from '../domain/deliver-decision';

export type { MessageStatus };

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

/** An upstream event waiting for the dispatcher's acknowledgement. */
export interface OutboxEntry {
  readonly eventId: string;
  readonly event: UpstreamEvent;
  readonly traceparent: string | undefined;
  readonly createdAt: string;
  readonly sends: number;
}

export interface StoreCounts {
  /** Every message taken (the dispatcher's `delivered`). */
  readonly delivered: number;
  readonly inProgress: number;
  readonly confirmed: number;
  readonly rejected: number;
  /** Given up on because the target was down; the dispatcher sends them again. */
  readonly unavailable: number;
  /** Upstream events not yet acknowledged. */
  readonly outboxDepth: number;
  /** Upstream events the dispatcher refused: kept for inspection, never resent. */
  readonly outboxRefused: number;
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
}

interface OutboxRow {
  event_id: string;
  body: string;
  traceparent: string | null;
  created_at: string;
  sends: number;
}

const MESSAGES_TABLE = `
CREATE TABLE IF NOT EXISTS {name} (
  message_id       TEXT PRIMARY KEY,
  appointment_id   TEXT NOT NULL,
  accession_number TEXT NOT NULL,
  message_type     TEXT NOT NULL,
  target           TEXT NOT NULL,
  content_type     TEXT NOT NULL,
  payload          TEXT NOT NULL,
  traceparent      TEXT,
  status           TEXT NOT NULL
                   CHECK (status IN ('received', 'confirmed', 'rejected', 'unavailable')),
  reason           TEXT,
  resend           INTEGER NOT NULL DEFAULT 0,
  received_at      TEXT NOT NULL,
  outcome_at       TEXT,
  payload_purged_at TEXT
) STRICT;
`;

const SCHEMA = `
${MESSAGES_TABLE.replace('{name}', 'messages')}
CREATE INDEX IF NOT EXISTS messages_status ON messages (status);
CREATE TABLE IF NOT EXISTS outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        TEXT NOT NULL UNIQUE,
  body            TEXT NOT NULL,
  traceparent     TEXT,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'refused')),
  refused_reason  TEXT,
  created_at      TEXT NOT NULL,
  sends           INTEGER NOT NULL DEFAULT 0,
  last_sent_at    TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, seq);
`;

/**
 * The gateway's durable local state, in one SQLite file (WAL): the messages it has taken, by
 * message id (so a resend is recognised, and taken by `decideDeliver`), and the outbox of upstream
 * events kept until the dispatcher acknowledges them. Every write is synchronous and
 * transactional: when a method returns, the change is on disk.
 */
export class GatewayStore {
  private readonly db: Database.Database;
  /**
   * Store paths that could not be made owner-only (the gateway does not own them, such as a
   * volume's root directory), for a warning at start.
   */
  readonly notPrivate: readonly string[];

  private constructor(readonly file: string) {
    this.notPrivate = file === ':memory:' ? [] : makeStoreFilesPrivate(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a receipt says "recorded durably"; it must survive a power cut, not only a crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    // A purged payload is overwritten on disk, not merely marked free for reuse.
    this.db.pragma('secure_delete = ON');
    this.migrateMessages();
    this.addResendColumn();
    this.addPayloadPurgedColumn();
    this.db.exec(SCHEMA);
  }

  /**
   * Stores made before the `unavailable` status (whose CHECK refuses it) are rebuilt with it, in
   * one transaction. Their "given up, target unreachable" rejections (`retryable = 1`, when the
   * column exists) become `unavailable`, so a resend still delivers them again.
   */
  private migrateMessages(): void {
    const table = this.db
      .prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages'`)
      .get() as { sql: string } | undefined;
    if (!table || table.sql.includes("'unavailable'")) return;
    const columns = this.db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
    const givenUp = columns.some((column) => column.name === 'retryable')
      ? `CASE WHEN status = 'rejected' AND retryable = 1 THEN 'unavailable' ELSE status END`
      : 'status';
    this.db.transaction(() => {
      this.db.exec(MESSAGES_TABLE.replace('{name}', 'messages_migrated'));
      this.db.exec(
        `INSERT INTO messages_migrated (message_id, appointment_id, accession_number,
           message_type, target, content_type, payload, traceparent, status, reason, received_at,
           outcome_at)
         SELECT message_id, appointment_id, accession_number, message_type, target, content_type,
           payload, traceparent, ${givenUp}, reason, received_at, outcome_at FROM messages`,
      );
      this.db.exec('DROP TABLE messages');
      this.db.exec('ALTER TABLE messages_migrated RENAME TO messages');
    })();
  }

  /**
   * Stores made before resends were counted lack the `resend` column: it is added with 0, the
   * count of every send so far (a staff resend of one of their rejections then counts from 1).
   */
  private addResendColumn(): void {
    const columns = this.db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
    if (columns.length === 0 || columns.some((column) => column.name === 'resend')) return;
    this.db.exec('ALTER TABLE messages ADD COLUMN resend INTEGER NOT NULL DEFAULT 0');
  }

  /** Stores made before the payload retention lack `payload_purged_at`: none was purged. */
  private addPayloadPurgedColumn(): void {
    const columns = this.db.prepare('PRAGMA table_info(messages)').all() as Array<{ name: string }>;
    if (columns.length === 0 || columns.some((column) => column.name === 'payload_purged_at')) {
      return;
    }
    this.db.exec('ALTER TABLE messages ADD COLUMN payload_purged_at TEXT');
  }

  static open(file: string): GatewayStore {
    return new GatewayStore(file);
  }

  get journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  /**
   * Takes a deliver by the dedup rule (`decideDeliver`), in one transaction: reads what is
   * recorded for its message id, decides, and records what the decision says (the new message, the
   * message taken again, a higher resend count). When it returns, that is on disk.
   */
  receive(body: DeliverBody, traceparent: string | undefined, at = new Date()): ReceiveResult {
    return this.db.transaction((): ReceiveResult => {
      const found = this.getMessage(body.messageId);
      if (!found) {
        const decision = decideDeliver(found, body);
        this.insertMessage(body, traceparent, at);
        return { decision, found, message: this.getMessage(body.messageId)! };
      }
      const decision = decideDeliver(found, body);
      this.carryOut(body.messageId, decision);
      return { decision, found, message: this.getMessage(body.messageId)! };
    })();
  }

  /**
   * Records a message unless its id is known. Returns `recorded` for a new message, or the
   * message as already recorded (a resend).
   */
  recordReceived(
    body: DeliverBody,
    traceparent: string | undefined,
    at = new Date(),
  ): { recorded: true } | { recorded: false; existing: ReceivedMessage } {
    return this.db.transaction(() => {
      if (this.insertMessage(body, traceparent, at)) return { recorded: true as const };
      return { recorded: false as const, existing: this.getMessage(body.messageId)! };
    })();
  }

  getMessage(messageId: string): ReceivedMessage | undefined {
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
   * Records the outcome of a delivery and puts the upstream event that reports it in the outbox,
   * in one transaction: an outcome is never recorded without its report, nor reported twice.
   * Returns false (and changes nothing) when the message already has an outcome.
   */
  recordOutcome(
    messageId: string,
    outcome: Exclude<MessageStatus, 'received'>,
    reason: string | undefined,
    event: UpstreamEvent,
    at = new Date(),
  ): boolean {
    const update = this.db.prepare(
      `UPDATE messages SET status = ?, reason = ?, outcome_at = ?
       WHERE message_id = ? AND status = 'received'`,
    );
    return this.db.transaction(() => {
      const result = update.run(outcome, reason ?? null, at.toISOString(), messageId);
      if (result.changes !== 1) return false;
      const message = this.getMessage(messageId);
      this.insertOutbox(event, message?.traceparent, at);
      return true;
    })();
  }

  /**
   * A known message sent again at staff resend count `resend`, as `receive` takes it (without
   * recording an unknown one): returns whether the dedup rule (`decideDeliver`) takes it again,
   * so it is to be delivered again.
   */
  reopen(messageId: string, resend: number): boolean {
    return this.db.transaction(() => {
      const found = this.getMessage(messageId);
      if (!found) return false;
      const decision = decideDeliver(found, { resend });
      this.carryOut(messageId, decision);
      return decision.kind === 'take-again';
    })();
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

  /**
   * Removes the payload of every message confirmed at or before `confirmedBefore` (the retention
   * counts from the final state), keeping the rest of its record: the id (so a resend is still
   * recognised), accession number, target, times. Only `confirmed`, which `decideDeliver` never
   * delivers again: a `received` or `unavailable` message is still on its way and a `rejected`
   * one may be resent by staff, delivered from the payload kept here. With
   * `secure_delete` the old bytes are overwritten, and the WAL that still holds them is
   * checkpointed and truncated. Returns how many payloads it removed.
   */
  purgePayloads(confirmedBefore: Date, at = new Date()): number {
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

  /** Puts an upstream event in the outbox (a modality event). */
  addToOutbox(event: UpstreamEvent, traceparent: string | undefined, at = new Date()): void {
    this.db.transaction(() => this.insertOutbox(event, traceparent, at))();
  }

  /** Pending upstream events, oldest first. */
  pendingOutbox(limit = 100): OutboxEntry[] {
    return (
      this.db
        .prepare(
          `SELECT event_id, body, traceparent, created_at, sends FROM outbox
           WHERE state = 'pending' ORDER BY seq LIMIT ?`,
        )
        .all(limit) as OutboxRow[]
    ).map((row) => ({
      eventId: row.event_id,
      event: JSON.parse(row.body) as UpstreamEvent,
      traceparent: row.traceparent ?? undefined,
      createdAt: row.created_at,
      sends: row.sends,
    }));
  }

  markSent(eventId: string, at = new Date()): void {
    this.db
      .prepare('UPDATE outbox SET sends = sends + 1, last_sent_at = ? WHERE event_id = ?')
      .run(at.toISOString(), eventId);
  }

  /** The dispatcher has the event: it leaves the outbox. Returns whether it was there. */
  acknowledge(eventId: string): boolean {
    return (
      this.db.prepare(`DELETE FROM outbox WHERE event_id = ? AND state = 'pending'`).run(eventId)
        .changes === 1
    );
  }

  /** The dispatcher refused the event for good: kept, with the reason, but never resent. */
  markRefused(eventId: string, reason: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET state = 'refused', refused_reason = ?
           WHERE event_id = ? AND state = 'pending'`,
        )
        .run(reason, eventId).changes === 1
    );
  }

  counts(): StoreCounts {
    const messages = this.db
      .prepare(
        `SELECT count(*) AS delivered,
           coalesce(sum(status = 'received'), 0) AS inProgress,
           coalesce(sum(status = 'confirmed'), 0) AS confirmed,
           coalesce(sum(status = 'rejected'), 0) AS rejected,
           coalesce(sum(status = 'unavailable'), 0) AS unavailable,
           coalesce(sum(payload_purged_at IS NOT NULL), 0) AS payloadsPurged
         FROM messages`,
      )
      .get() as Omit<StoreCounts, 'outboxDepth' | 'outboxRefused'>;
    const outbox = this.db
      .prepare(
        `SELECT coalesce(sum(state = 'pending'), 0) AS outboxDepth,
           coalesce(sum(state = 'refused'), 0) AS outboxRefused
         FROM outbox`,
      )
      .get() as { outboxDepth: number; outboxRefused: number };
    return { ...messages, ...outbox };
  }

  /** Answers a trivial query: the database file is usable. */
  ping(): boolean {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Records a new message `received`; returns false (changing nothing) when its id is known. */
  private insertMessage(body: DeliverBody, traceparent: string | undefined, at: Date): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO messages (message_id, appointment_id, accession_number, message_type,
             target, content_type, payload, traceparent, status, resend, received_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?)
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
        ).changes === 1
    );
  }

  private insertOutbox(event: UpstreamEvent, traceparent: string | undefined, at: Date): void {
    this.db
      .prepare(
        `INSERT INTO outbox (event_id, body, traceparent, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (event_id) DO NOTHING`,
      )
      .run(event.eventId, JSON.stringify(event), traceparent ?? null, at.toISOString());
  }
}

/**
 * The store holds patient data: its directory is owner-only (0700) and so are the database and
 * its WAL and shared-memory files (0600), whatever the umask. The database is created empty with
 * that mode before SQLite opens it, since SQLite would create it 0644 and gives the WAL and
 * shared-memory files the database's own mode; files an earlier release left readable are
 * tightened. Returns the paths it was not allowed to change.
 */
function makeStoreFilesPrivate(file: string): string[] {
  const directory = dirname(file);
  makeDirectorySync(directory);
  createEmptySync(file);
  const notPrivate: string[] = [];
  if (!tightenSync(directory, OWNER_ONLY_DIRECTORY)) notPrivate.push(directory);
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (!tightenSync(path, OWNER_ONLY_FILE)) notPrivate.push(path);
  }
  return notPrivate;
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
  };
}
