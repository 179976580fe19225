import { UpstreamAck } from '@mbs/contracts';
import { describeError, describeIssues } from '@mbs/errors';
import { newTraceparent, type RelaySession, type SessionFrame } from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import type { GatewayStore } from '../store/index';

export interface OutboxPumpOptions {
  readonly store: GatewayStore;
  readonly logger: Logger;
  /** An event not acknowledged this long after it was sent is sent again. Default 15 000 ms. */
  readonly retryAfterMs?: number;
  /** How many events one pass sends at most. Default 100. */
  readonly batchSize?: number;
}

/**
 * Sends the outbox upstream as `event` frames and removes each event when the dispatcher's
 * UpstreamAck says `accepted`.
 *
 * The dispatcher reaches the gateway through the relay, so its sessions are connections this
 * gateway accepted. Events go over the newest open one. Every event stays in the store until
 * acknowledged: it is sent again when a session (re)appears, and after `retryAfterMs` without an
 * acknowledgement. Acknowledgements are matched by event id, not by frame, so a late one after a
 * reconnect still counts. The dispatcher applies each event id once, so a resend is harmless.
 */
export class OutboxPump {
  private readonly sessions = new Set<RelaySession>();
  /** When each event was last sent (in this process), to pace resends. */
  private readonly sentAt = new Map<string, number>();
  private readonly retryAfterMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private stopped = false;

  constructor(private readonly options: OutboxPumpOptions) {
    this.retryAfterMs = options.retryAfterMs ?? 15_000;
    this.batchSize = options.batchSize ?? 100;
  }

  /** Starts the periodic resend. */
  start(): void {
    this.stopped = false;
    const every = Math.max(50, Math.min(this.retryAfterMs / 2, 5000));
    this.timer = setInterval(() => this.flush(), every);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  get openSessions(): number {
    return [...this.sessions].filter((session) => session.isOpen).length;
  }

  /** A dispatcher connected: everything pending goes to it now. */
  addSession(session: RelaySession): void {
    this.sessions.add(session);
    session.once('close', () => this.sessions.delete(session));
    this.sentAt.clear();
    this.kick();
  }

  /** Something new is in the outbox: send soon (once, however many kicks). */
  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Sends what is due over the newest open session. */
  flush(): void {
    if (this.stopped) return;
    const session = [...this.sessions].reverse().find((candidate) => candidate.isOpen);
    if (!session) return;
    let due;
    try {
      due = this.options.store.pendingOutbox(this.batchSize);
    } catch (error) {
      this.options.logger.error(
        { phase: 'store', err: describeError(error) },
        'could not read the outbox',
      );
      return;
    }
    const now = Date.now();
    for (const entry of due) {
      const last = this.sentAt.get(entry.eventId);
      if (last !== undefined && now - last < this.retryAfterMs) continue;
      try {
        const frame = session.send({
          kind: 'event',
          traceparent: entry.traceparent ?? newTraceparent(),
          body: entry.event,
        });
        this.sentAt.set(entry.eventId, now);
        this.options.store.markSent(entry.eventId);
        this.options.logger.debug(
          {
            phase: 'upstream_send',
            eventId: entry.eventId,
            frameId: frame.id,
            sends: entry.sends + 1,
          },
          'upstream event sent',
        );
      } catch (error) {
        this.options.logger.warn(
          { phase: 'upstream_send', eventId: entry.eventId, err: describeError(error) },
          'could not send an upstream event; it stays in the outbox',
        );
        return;
      }
    }
  }

  /** Handles the dispatcher's `ack` of an event frame. Returns an error reason for a bad body. */
  handleAck(frame: SessionFrame): string | undefined {
    const parsed = UpstreamAck.safeParse(frame.body);
    if (!parsed.success) {
      const reason = `ack body is not an UpstreamAck: ${describeIssues(parsed.error.issues)}`;
      this.options.logger.warn({ phase: 'frame_validation', frameId: frame.id, reason }, reason);
      return reason;
    }
    const ack = parsed.data;
    this.sentAt.delete(ack.eventId);
    if (ack.status === 'accepted') {
      const removed = this.options.store.acknowledge(ack.eventId);
      this.options.logger.info(
        { phase: 'upstream_ack', eventId: ack.eventId, removed },
        removed ? 'upstream event acknowledged' : 'acknowledgement for an event no longer pending',
      );
    } else {
      this.options.store.markRefused(ack.eventId, ack.reason ?? 'refused without a reason');
      this.options.logger.error(
        { phase: 'upstream_ack', eventId: ack.eventId, reason: ack.reason },
        'the dispatcher refused an upstream event; kept in the store, not resent',
      );
    }
    return undefined;
  }
}
