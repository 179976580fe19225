import { DeliverBody, type DeliveryOutcome, type Receipt, UpstreamAck } from '@mbs/contracts';
import { RelayListener, type RelaySession, type SessionFrame } from '@mbs/relay';

/** How the fake gateway answers a deliver. */
export type GatewayBehaviour =
  | 'confirm' // receipt, then a confirmed outcome upstream
  | 'reject' // receipt, then a rejected outcome upstream
  | 'unavailable' // receipt, then an unavailable outcome upstream (the hospital system is down)
  | 'receipt_only' // receipt, no outcome
  | 'silent' // never answers (the dispatcher's receipt wait runs out)
  | 'wrong_receipt' // a receipt for another message id
  | 'error_reply' // an `error` frame instead of a receipt
  | { receipt: Receipt['status']; outcome?: 'confirmed' | 'rejected'; reason?: string };

/**
 * A hospital gateway written for these tests with the real RelayListener (Listen key): it answers
 * `deliver` with a Receipt, then reports the outcome upstream as an `event` frame and records the
 * dispatcher's UpstreamAck. Not the real gateway/ (built separately): only the protocol.
 */
export class FakeGateway {
  readonly delivered: DeliverBody[] = [];
  readonly deliverFrames: SessionFrame[] = [];
  readonly acks: UpstreamAck[] = [];
  behaviour: GatewayBehaviour = 'confirm';
  /** Hold each receipt this long (a busy gateway), to see how many delivers the dispatcher has out. */
  receiptDelayMs = 0;
  /** Delivers received and not yet answered, now and at most. */
  outstanding = 0;
  maxOutstanding = 0;
  private session: RelaySession | undefined;
  private readonly listener: RelayListener;
  private eventCounter = 0;

  constructor(endpoint: string, path = 'gateway-local') {
    this.listener = new RelayListener({
      endpoint,
      path,
      keyName: 'listen',
      key: 'dev-listen-key-not-secret',
      backoff: { baseMs: 50, maxMs: 200 },
      onSession: (session) => {
        this.session = session;
        session.onFrame((frame, s) => this.onFrame(frame, s));
      },
    });
  }

  async start(): Promise<this> {
    this.listener.start();
    await this.listener.waitUntilOnline(5_000);
    return this;
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  get connected(): boolean {
    return this.session?.isOpen ?? false;
  }

  /** Sends an upstream event frame with any body; resolves with the dispatcher's reply. */
  async sendUpstream(body: unknown): Promise<SessionFrame> {
    if (!this.session) throw new Error('no dispatcher session yet');
    return this.session.request({ kind: 'event', body }, { timeoutMs: 5_000 });
  }

  private async onFrame(frame: SessionFrame, session: RelaySession): Promise<void> {
    if (frame.kind !== 'deliver') return;
    const body = DeliverBody.parse(frame.body);
    this.deliverFrames.push(frame);
    this.delivered.push(body);
    this.outstanding += 1;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    try {
      if (this.receiptDelayMs > 0) await new Promise((r) => setTimeout(r, this.receiptDelayMs));
    } finally {
      this.outstanding -= 1;
    }
    const behaviour = this.behaviour;
    if (behaviour === 'silent') return;
    if (behaviour === 'error_reply') {
      session.send({
        kind: 'error',
        replyTo: frame.id,
        body: { code: 'store_failed', reason: 'the gateway could not record the message' },
      });
      return;
    }
    if (behaviour === 'wrong_receipt') {
      const receipt: Receipt = { messageId: `not-${body.messageId}`, status: 'received' };
      session.send({ kind: 'ack', replyTo: frame.id, body: receipt });
      return;
    }
    const receipt: Receipt =
      typeof behaviour === 'object'
        ? {
            messageId: body.messageId,
            status: behaviour.receipt,
            ...(behaviour.outcome && { outcome: behaviour.outcome }),
            ...(behaviour.reason && { reason: behaviour.reason }),
          }
        : { messageId: body.messageId, status: 'received' };
    session.send({ kind: 'ack', replyTo: frame.id, body: receipt });
    if (behaviour !== 'confirm' && behaviour !== 'reject' && behaviour !== 'unavailable') return;
    const outcome: DeliveryOutcome = {
      type: 'delivery-outcome',
      eventId: `outcome-${body.messageId}-${++this.eventCounter}`,
      messageId: body.messageId,
      outcome: ({ confirm: 'confirmed', reject: 'rejected', unavailable: 'unavailable' } as const)[
        behaviour
      ],
      ...(behaviour === 'reject' && { reason: 'RIS: unknown procedure code' }),
      // As the real gateway does: which staff resend of the message this outcome is about.
      resend: body.resend ?? 0,
      ...(behaviour === 'unavailable' && {
        reason:
          'deliver_http: gave up after 4 attempts: POST https://ris/fhir failed: ECONNREFUSED',
      }),
      at: new Date().toISOString(),
    };
    const reply = await session.request(
      { kind: 'event', traceparent: frame.traceparent, body: outcome },
      { timeoutMs: 5_000 },
    );
    this.acks.push(UpstreamAck.parse(reply.body));
  }
}
