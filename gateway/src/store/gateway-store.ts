import type Database from 'better-sqlite3';
import type { DeliverBody, UpstreamEvent } from '@mbs/contracts';
import type { MessageStatus } from '../domain/deliver-decision';
import { Inbox, type InboxCounts, type ReceivedMessage, type ReceiveResult } from './inbox';
import { Outbox, type OutboxCounts, type OutboxEntry } from './outbox';
import { openStoreDatabase } from './schema';

export type { MessageStatus, OutboxEntry, ReceivedMessage, ReceiveResult };

export type StoreCounts = InboxCounts & OutboxCounts;

/**
 * The gateway's durable local state, in one SQLite file (WAL, schema.ts): the messages it has
 * taken, by message id (the inbox, so a resend is recognised, and taken by `decideDeliver`), and
 * the outbox of upstream events kept until the dispatcher acknowledges them. Every write is
 * synchronous and transactional: when a method returns, the change is on disk.
 */
export class GatewayStore {
  private readonly db: Database.Database;
  private readonly inbox: Inbox;
  private readonly outbox: Outbox;
  /**
   * Store paths that could not be made owner-only (the gateway does not own them, such as a
   * volume's root directory), for a warning at start.
   */
  readonly notPrivate: readonly string[];

  private constructor(readonly file: string) {
    const opened = openStoreDatabase(file);
    this.db = opened.db;
    this.notPrivate = opened.notPrivate;
    this.inbox = new Inbox(this.db);
    this.outbox = new Outbox(this.db);
  }

  static open(file: string): GatewayStore {
    return new GatewayStore(file);
  }

  get journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  /**
   * Takes a deliver by the dedup rule, durably (`Inbox.receive`); `orderHash` is its decrypted
   * order's, recorded with a new message and compared with a known one's.
   */
  receive(
    body: DeliverBody,
    traceparent: string | undefined,
    at = new Date(),
    orderHash?: string,
  ): ReceiveResult {
    return this.inbox.receive(body, traceparent, at, orderHash);
  }

  /**
   * Records a message unless its id is known. Returns `recorded` for a new message, or the
   * message as already recorded (a resend).
   */
  recordReceived(
    body: DeliverBody,
    traceparent: string | undefined,
    at = new Date(),
    orderHash?: string,
  ): { recorded: true } | { recorded: false; existing: ReceivedMessage } {
    return this.inbox.recordReceived(body, traceparent, at, orderHash);
  }

  getMessage(messageId: string): ReceivedMessage | undefined {
    return this.inbox.get(messageId);
  }

  /** Messages taken but not yet delivered to their target: resumed after a restart. */
  inProgress(): ReceivedMessage[] {
    return this.inbox.inProgress();
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
    return this.db.transaction(() => {
      const message = this.inbox.setOutcome(messageId, outcome, reason, at);
      if (!message) return false;
      this.outbox.insert(event, message.traceparent, at);
      return true;
    })();
  }

  /** Whether a known message sent again at `resend` is taken again (`Inbox.reopen`). */
  reopen(messageId: string, resend: number): boolean {
    return this.inbox.reopen(messageId, resend);
  }

  /** Removes confirmed payloads past the retention (`Inbox.purgePayloads`); returns how many. */
  purgePayloads(confirmedBefore: Date, at = new Date()): number {
    return this.inbox.purgePayloads(confirmedBefore, at);
  }

  /** Puts an upstream event in the outbox (a modality event). */
  addToOutbox(event: UpstreamEvent, traceparent: string | undefined, at = new Date()): void {
    this.outbox.add(event, traceparent, at);
  }

  /** Pending upstream events, oldest first. */
  pendingOutbox(limit = 100): OutboxEntry[] {
    return this.outbox.pending(limit);
  }

  markSent(eventId: string, at = new Date()): void {
    this.outbox.markSent(eventId, at);
  }

  /** The dispatcher has the event: it leaves the outbox. Returns whether it was there. */
  acknowledge(eventId: string): boolean {
    return this.outbox.acknowledge(eventId);
  }

  /** The dispatcher refused the event for good: kept, with the reason, but never resent. */
  markRefused(eventId: string, reason: string): boolean {
    return this.outbox.markRefused(eventId, reason);
  }

  counts(): StoreCounts {
    return { ...this.inbox.counts(), ...this.outbox.counts() };
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
}
