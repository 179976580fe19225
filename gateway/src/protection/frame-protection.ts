import {
  DeliverBody,
  type DeliverFrameBody,
  OrderContent,
  SignedUpstreamAck,
  UpstreamAck,
} from '@mbs/contracts';
import { describeIssues } from '@mbs/errors';
import {
  FrameRefusedError,
  KeyRing,
  openOrder,
  signUpstream,
  verifyAck,
  type Jwks,
  type PublicJwk,
} from '@mbs/trust';
import { orderHash } from '../domain/order-hash';
import type { GatewayKeySource } from './key-file';

export interface FrameProtectionOptions {
  /** This gateway's id: the audience its orders name, the issuer of what it signs. */
  readonly gatewayId: string;
  /** Its own private keys. */
  readonly keys: GatewayKeySource;
  /** The dispatcher's public signing keys (current and next). */
  readonly dispatcherKeys: () => Jwks<PublicJwk>;
  readonly now?: () => Date;
}

/** A deliver opened: the message as the gateway records it, and the hash of its order. */
export interface OpenedDeliver {
  readonly body: DeliverBody;
  /** SHA-256 of the decrypted order: a later deliver of the same id must carry the same. */
  readonly orderHash: string;
}

/** The order decrypted, but it is not an order (its content breaks the schema). */
export class InvalidOrderError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidOrderError';
  }
}

/** The dispatcher signed it, but it is not an UpstreamAck (its content breaks the schema). */
export class InvalidAckError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidAckError';
  }
}

/**
 * The gateway's side of the protection over the relay (docs/adr/0004): it opens each deliver
 * (verify the dispatcher's signature, audience, time and ids, then decrypt) before anything is
 * recorded, verifies each ack of its upstream events the same way before its outbox is touched,
 * and signs what it sends back (receipts and upstream events) with its current signing key,
 * afresh every time.
 */
export class FrameProtection {
  private readonly now: () => Date;

  constructor(private readonly options: FrameProtectionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get gatewayId(): string {
    return this.options.gatewayId;
  }

  /**
   * Opens a deliver's sealed order. Throws FrameRefusedError (bad_signature, wrong_audience,
   * expired, undecryptable, mismatched_claims) or InvalidOrderError. An order encrypted to a key
   * the gateway does not hold is tried once more after reading the key file again: a rotation
   * (`npm run keys -- --rotate`) registered with the dispatcher before this gateway restarted.
   */
  async open(frame: DeliverFrameBody): Promise<OpenedDeliver> {
    let opened;
    try {
      opened = await this.openWith(frame);
    } catch (error) {
      if (!(error instanceof FrameRefusedError && error.code === 'undecryptable')) throw error;
      if (!this.options.keys.refresh()) throw error;
      opened = await this.openWith(frame);
    }
    const content = OrderContent.safeParse(opened.secret);
    if (!content.success) {
      throw new InvalidOrderError(`invalid order: ${describeIssues(content.error.issues)}`);
    }
    // The signed ids, not the readable ones (which openOrder checked against them when given).
    const body = DeliverBody.parse({
      ...content.data,
      messageId: opened.claims.messageId,
      attempt: opened.claims.attempt ?? frame.attempt,
      resend: opened.claims.resend,
    });
    return { body, orderHash: orderHash(content.data) };
  }

  /**
   * The UpstreamAck in the body of an `ack` frame, once it verifies: signed by the dispatcher
   * (any of its keys, by kid), for this gateway, not expired, about the event the frame names in
   * clear. Throws FrameRefusedError (`bad_signature` for an ack in clear too, `wrong_audience`,
   * `expired`, `mismatched_claims`), or InvalidAckError for a signed ack that is not an
   * UpstreamAck.
   */
  async openAck(body: unknown): Promise<UpstreamAck> {
    const readable = SignedUpstreamAck.safeParse(body);
    if (!readable.success) {
      throw new FrameRefusedError(
        'bad_signature',
        `ack frame refused: it is not signed (${describeIssues(readable.error.issues)})`,
      );
    }
    const ack = UpstreamAck.safeParse(
      await verifyAck(readable.data.signed, {
        gatewayId: this.options.gatewayId,
        expected: { eventId: readable.data.eventId },
        dispatcherKeys: this.options.dispatcherKeys(),
        now: this.now(),
      }),
    );
    if (!ack.success) {
      throw new InvalidAckError(
        `the signed ack is not an UpstreamAck: ${describeIssues(ack.error.issues)}`,
      );
    }
    return ack.data;
  }

  /** `body` signed for the dispatcher with this gateway's current signing key. */
  sign(body: object): Promise<string> {
    return signUpstream(body, {
      gatewayId: this.options.gatewayId,
      signingKey: KeyRing.of(this.options.keys.current()).current('sig', 'this gateway'),
      now: this.now(),
    });
  }

  private openWith(frame: DeliverFrameBody) {
    return openOrder(frame.order, {
      gatewayId: this.options.gatewayId,
      expected: {
        messageId: frame.messageId,
        ...(frame.resend !== undefined && { resend: frame.resend }),
        attempt: frame.attempt,
      },
      dispatcherKeys: this.options.dispatcherKeys(),
      privateKeys: this.options.keys.current(),
      now: this.now(),
    });
  }
}
