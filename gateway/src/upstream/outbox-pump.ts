import { type SignedUpstreamEvent, UpstreamAck } from '@mbs/contracts';
import { describeError, describeIssues } from '@mbs/errors';
import { newTraceparent, type RelaySession, type SessionFrame } from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import type { GatewayStore } from '../store/index';

export interface OutboxPumpOptions {
  readonly store: GatewayStore;
  readonly logger: Logger;
  /** Signs an event for the dispatcher (FrameProtection.sign), at each send. */
  readonly sign: (body: object) => Promise<string>;
  /** An event not acknowledged this long after it was sent is sent again. Default 15 000 ms. */
  readonly retryAfterMs?: number;
  /** How many events one pass sends at most. Default 100. */
  readonly batchSize?: number;
}

/**
 * Sends the outbox upstream as `event` frames and removes each event when the dispatcher's
 * UpstreamAck says `accepted`. Each send is signed then (a SignedUpstreamEvent), not when the event
 * was stored, so an event resent hours later carries a fresh signature the dispatcher accepts.
 *
 * The dispatcher reaches the gateway through the relay, so its sessions are connections this
 * gateway accepted. Events go over the newest open one. Every event stays in the store until
 * acknowledged: it is sent again when a session (re)appears, and after `retryAfterMs` without an
 * acknowledgement. Acknowledgements are matched by event id, not by frame, so a late one after a
 * reconnect still counts. The dispatcher applies each event id once, so a resend is harmless.
 * An event the dispatcher refuses for its signature (the ack's `code`: its record of this
 * gateway's keys, or a clock, is wrong) stays pending and is signed and sent again; one it refuses
 * for what it says is kept aside, never resent.
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
  /** The pass under way (signing is asynchronous): one at a time, another right after if asked. */
  private flushing: Promise<void> | undefined;
  private flushAgain = false;

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

  /** Sends what is due over the newest open session (after the pass under way, if any). */
  flush(): void {
    if (this.stopped) return;
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = this.sendDue()
      .catch((error: unknown) =>
        this.options.logger.error(
          { phase: 'upstream_send', err: describeError(error) },
          'could not send the outbox',
        ),
      )
      .finally(() => {
        this.flushing = undefined;
        if (this.flushAgain) {
          this.flushAgain = false;
          this.flush();
        }
      });
  }

  /** Waits for the pass under way (tests, a stop). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async sendDue(): Promise<void> {
    const newest = () => [...this.sessions].reverse().find((candidate) => candidate.isOpen);
    if (!newest()) return;
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
    for (const entry of due) {
      const last = this.sentAt.get(entry.eventId);
      if (last !== undefined && Date.now() - last < this.retryAfterMs) continue;
      let body: SignedUpstreamEvent;
      try {
        body = { eventId: entry.eventId, signed: await this.options.sign(entry.event) };
      } catch (error) {
        this.options.logger.error(
          { phase: 'upstream_send', eventId: entry.eventId, err: describeError(error) },
          'could not sign an upstream event; it stays in the outbox',
        );
        return;
      }
      const session = newest();
      if (!session || this.stopped) return;
      try {
        const frame = session.send({
          kind: 'event',
          traceparent: entry.traceparent ?? newTraceparent(),
          body,
        });
        this.sentAt.set(entry.eventId, Date.now());
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
    } else if (ack.code) {
      // The dispatcher could not verify our signature: nothing is wrong with the event. It stays
      // pending, to be signed and sent again once the keys (or clocks) agree.
      this.sentAt.set(ack.eventId, Date.now());
      this.options.logger.error(
        { phase: 'upstream_ack', eventId: ack.eventId, code: ack.code, reason: ack.reason },
        "the dispatcher refused an upstream event's signature: is this gateway's public key registered with it (npm run keys -- --show)? Kept, and sent again",
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
