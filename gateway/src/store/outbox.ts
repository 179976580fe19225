import type Database from 'better-sqlite3';
import type { UpstreamEvent } from '@mbs/contracts';

/** An upstream event waiting for the dispatcher's acknowledgement. */
export interface OutboxEntry {
  readonly eventId: string;
  readonly event: UpstreamEvent;
  readonly traceparent: string | undefined;
  readonly createdAt: string;
  readonly sends: number;
}

export interface OutboxCounts {
  /** Upstream events not yet acknowledged. */
  readonly outboxDepth: number;
  /** Upstream events the dispatcher refused: kept for inspection, never resent. */
  readonly outboxRefused: number;
}

interface OutboxRow {
  event_id: string;
  body: string;
  traceparent: string | null;
  created_at: string;
  sends: number;
}

/**
 * The upstream events (delivery outcomes, modality events) kept in order (the `outbox` table)
 * until the dispatcher acknowledges them; one it refuses is kept, with the reason, but never
 * resent. `insert` joins its caller's transaction, so an outcome and its report are written
 * together.
 */
export class Outbox {
  constructor(private readonly db: Database.Database) {}

  /** Puts an upstream event in the outbox, in a transaction of its own. */
  add(event: UpstreamEvent, traceparent: string | undefined, at: Date): void {
    this.db.transaction(() => this.insert(event, traceparent, at))();
  }

  /** Puts an upstream event in the outbox (once per event id), within the caller's transaction. */
  insert(event: UpstreamEvent, traceparent: string | undefined, at: Date): void {
    this.db
      .prepare(
        `INSERT INTO outbox (event_id, body, traceparent, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (event_id) DO NOTHING`,
      )
      .run(event.eventId, JSON.stringify(event), traceparent ?? null, at.toISOString());
  }

  /** Pending upstream events, oldest first. */
  pending(limit: number): OutboxEntry[] {
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

  markSent(eventId: string, at: Date): void {
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

  counts(): OutboxCounts {
    return this.db
      .prepare(
        `SELECT coalesce(sum(state = 'pending'), 0) AS outboxDepth,
           coalesce(sum(state = 'refused'), 0) AS outboxRefused
         FROM outbox`,
      )
      .get() as OutboxCounts;
  }
}
