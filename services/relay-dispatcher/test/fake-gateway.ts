import {
  DeliverBody,
  DeliverFrameBody,
  type DeliveryOutcome,
  type Receipt,
  SignedUpstreamAck,
  UpstreamAck,
} from '@mbs/contracts';
import { RelayListener, type RelaySession, type SessionFrame } from '@mbs/relay';
import {
  FrameRefusedError,
  openOrder,
  signUpstream,
  verifyAck,
  type GatewayKeySet,
  type Jwks,
  type PrivateSigningJwk,
  type PublicJwk,
} from '@mbs/trust';
import { testKeys } from './keys';

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
 * A hospital gateway written for these tests with the real RelayListener (Listen key): it opens
 * each sealed `deliver` with its keys (refusing one that does not open, as the real one does),
 * answers with a signed Receipt, then reports the outcome upstream as a signed `event` frame and
 * records the dispatcher's UpstreamAck, once it verifies as the real gateway verifies it (signed
 * by the dispatcher, for this gateway, about this event). Not the real gateway/ (built
 * separately): only the protocol.
 */
export class FakeGateway {
  /** Each deliver as opened (its order decrypted). */
  readonly delivered: DeliverBody[] = [];
  /** Each deliver frame as it came over the relay (its order sealed). */
  readonly deliverFrames: SessionFrame[] = [];
  /** Delivers it refused because their protection did not hold, with the code. */
  readonly refused: Array<{ messageId: string; code: string }> = [];
  /**
   * Signs what it sends with this key instead of its own (a forger), when set; its outcomes are
   * then signed by a key the dispatcher does not know.
   */
  signingKey: PrivateSigningJwk | undefined;
  /** The dispatcher keys it accepts (default: the test dispatcher's). */
  dispatcherKeys: Jwks<PublicJwk> | undefined;
  /** The dispatcher's acks of its outcomes, each verified. */
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

  constructor(
    endpoint: string,
    path = 'gateway-local',
    /** Its id: the audience of its orders, the issuer of what it signs. */
    readonly gatewayId = 'gateway-local',
    /** Its keys (default: the test file's gateway keys). */
    private readonly ownKeys?: GatewayKeySet,
  ) {
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

  /**
   * Sends an upstream event frame with `body` signed (as the real gateway does; `raw` sends it as
   * is); resolves with the dispatcher's reply, an ack with its UpstreamAck verified and opened as
   * its body (it throws when the ack does not verify).
   */
  async sendUpstream(body: unknown, { raw = false } = {}): Promise<SessionFrame> {
    if (!this.session) throw new Error('no dispatcher session yet');
    const frameBody = raw ? body : await this.signedEvent(body as { eventId: string });
    const reply = await this.session.request(
      { kind: 'event', body: frameBody },
      { timeoutMs: 5_000 },
    );
    return reply.kind === 'ack' ? { ...reply, body: await this.openAck(reply) } : reply;
  }

  /** The UpstreamAck an `ack` frame carries, verified with the dispatcher keys it accepts. */
  async openAck(frame: SessionFrame): Promise<UpstreamAck> {
    const { eventId, signed } = SignedUpstreamAck.parse(frame.body);
    return UpstreamAck.parse(
      await verifyAck(signed, {
        gatewayId: this.gatewayId,
        expected: { eventId },
        dispatcherKeys: this.dispatcherKeys ?? (await testKeys()).dispatcherPublic,
      }),
    );
  }

  private async keys(): Promise<GatewayKeySet> {
    return this.ownKeys ?? (await testKeys()).gateway;
  }

  private async sign(body: object): Promise<string> {
    return signUpstream(body, {
      gatewayId: this.gatewayId,
      signingKey: this.signingKey ?? (await this.keys()).privateKeys.keys[0],
    });
  }

  private async signedEvent(event: { eventId: string }) {
    return { eventId: event.eventId, signed: await this.sign(event) };
  }

  private async sendReceipt(session: RelaySession, frame: SessionFrame, receipt: Receipt) {
    session.send({
      kind: 'ack',
      replyTo: frame.id,
      body: { messageId: receipt.messageId, signed: await this.sign(receipt) },
    });
  }

  /** The deliver opened as the real gateway opens it; undefined (answered) when refused. */
  private async open(frame: SessionFrame, session: RelaySession): Promise<DeliverBody | undefined> {
    const readable = DeliverFrameBody.parse(frame.body);
    try {
      const { secret, claims } = await openOrder(readable.order, {
        gatewayId: this.gatewayId,
        expected: {
          messageId: readable.messageId,
          resend: readable.resend,
          attempt: readable.attempt,
        },
        dispatcherKeys: this.dispatcherKeys ?? (await testKeys()).dispatcherPublic,
        privateKeys: (await this.keys()).privateKeys,
      });
      return DeliverBody.parse({
        ...(secret as object),
        messageId: claims.messageId,
        attempt: claims.attempt,
        resend: claims.resend,
      });
    } catch (error) {
      if (!(error instanceof FrameRefusedError)) throw error;
      this.refused.push({ messageId: readable.messageId, code: error.code });
      await this.sendReceipt(session, frame, {
        messageId: readable.messageId,
        status: 'refused',
        code: error.code,
        reason: error.message,
      });
      return undefined;
    }
  }

  private async onFrame(frame: SessionFrame, session: RelaySession): Promise<void> {
    if (frame.kind !== 'deliver') return;
    this.deliverFrames.push(frame);
    const body = await this.open(frame, session);
    if (!body) return;
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
      await this.sendReceipt(session, frame, receipt);
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
    await this.sendReceipt(session, frame, receipt);
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
      { kind: 'event', traceparent: frame.traceparent, body: await this.signedEvent(outcome) },
      { timeoutMs: 5_000 },
    );
    this.acks.push(await this.openAck(reply));
  }
}
