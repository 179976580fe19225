import type { SignedUpstreamEvent, UpstreamAck } from '@mbs/contracts';
import { describeError } from '@mbs/errors';
import { newTraceparent, type RelaySession, type SessionFrame } from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import { FrameRefusedError } from '@mbs/trust';
import { InvalidAckError } from '../protection/frame-protection';
import type { GatewayStore } from '../store/index';

export interface OutboxPumpOptions {
  readonly store: GatewayStore;
  readonly logger: Logger;
  /** Signs an event for the dispatcher (FrameProtection.sign), at each send. */
  readonly sign: (body: object) => Promise<string>;
  /**
   * The UpstreamAck in an `ack` frame's body once it verifies with the dispatcher's keys
   * (FrameProtection.openAck); throws FrameRefusedError or InvalidAckError otherwise.
   */
  readonly openAck: (body: unknown) => Promise<UpstreamAck>;
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
 *
 * An ack is acted on only once it verifies: signed by the dispatcher (GATEWAY_DISPATCHER_KEYS),
 * for this gateway, not expired, and about the event it names in clear. Anyone with a relay Send
 * key can connect and send frames, so an ack in clear, forged, for another gateway, expired or
 * naming another event changes nothing: it is logged with its refusal code and counted
 * (`refusedAcks` on /health), and the event stays pending and is sent again as if no ack came.
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
  private refused = 0;

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

  /** Acks refused since the gateway started: they did not verify, and changed nothing. */
  get refusedAcks(): number {
    return this.refused;
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

  /**
   * Handles the dispatcher's `ack` of an event frame, once it verifies. Returns what to answer the
   * frame with (an `error` frame's code and reason) when it is refused or not an ack.
   */
  async handleAck(frame: SessionFrame): Promise<AckProblem | undefined> {
    let ack: UpstreamAck;
    try {
      ack = await this.options.openAck(frame.body);
    } catch (error) {
      if (error instanceof FrameRefusedError) {
        this.refused += 1;
        this.options.logger.warn(
          {
            phase: 'upstream_ack',
            frameId: frame.id,
            ...readableEventId(frame.body),
            code: error.code,
            reason: error.message,
            refusedAcks: this.refused,
          },
          "an ack of an upstream event was refused: it does not verify with the dispatcher's keys (GATEWAY_DISPATCHER_KEYS); the outbox is unchanged",
        );
        return { code: error.code, reason: error.message };
      }
      if (error instanceof InvalidAckError) {
        this.options.logger.warn(
          { phase: 'frame_validation', frameId: frame.id, reason: error.reason },
          error.reason,
        );
        return { code: 'invalid_body', reason: error.reason };
      }
      this.options.logger.error(
        { phase: 'upstream_ack', frameId: frame.id, err: describeError(error) },
        'could not verify an ack of an upstream event; the outbox is unchanged',
      );
      return undefined;
    }
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

/** Why an ack frame was not acted on: the code and reason of the `error` frame answering it. */
export interface AckProblem {
  readonly code: string;
  readonly reason: string;
}

/** The event id an ack frame names in clear, for the log, when it is one. */
function readableEventId(body: unknown): { eventId?: string } {
  const eventId = (body as { eventId?: unknown } | null)?.eventId;
  return typeof eventId === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(eventId) ? { eventId } : {};
}
