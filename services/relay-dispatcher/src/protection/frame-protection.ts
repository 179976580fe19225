import {
  type DeliverBody,
  type DeliverFrameBody,
  type OrderContent,
  Receipt,
  SignedReceipt,
  type SignedUpstreamAck,
  SignedUpstreamEvent,
  type UpstreamAck,
} from '@mbs/contracts';
import { describeIssues } from '@mbs/errors';
import {
  FrameRefusedError,
  sealOrder,
  signAck,
  verifyUpstream,
  type GatewayPublicJwks,
  type PrivateSigningJwk,
} from '@mbs/trust';
import { GatewayKeysMissingError } from '../gateways/gateway-errors';

export interface FrameProtectionOptions {
  /** The dispatcher's private signing key now (DISPATCHER_SIGNING_KEY). */
  readonly signingKey: () => PrivateSigningJwk;
  /** A gateway's registered public keys now, or undefined when it has none. */
  readonly gatewayKeys: (gatewayId: string) => GatewayPublicJwks | undefined;
  readonly now?: () => Date;
}

/** A frame from a gateway that is not what it should be, though it may be signed. */
export class InvalidFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFrameError';
  }
}

/**
 * The dispatcher's side of the protection over the relay (docs/adr/0004): each deliver's order is
 * sealed for its gateway at every send (signed with the dispatcher's key, encrypted to the
 * gateway's current encryption key), so each retry is signed afresh; what a gateway sends back
 * (receipts, upstream events) is acted on only once it verifies with that gateway's registered
 * keys; and each ack of an upstream event is signed for its gateway with the same key.
 */
export class FrameProtection {
  private readonly now: () => Date;

  constructor(private readonly options: FrameProtectionOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The deliver frame's body for a message: its ids in clear, its order sealed. Throws
   * GatewayKeysMissingError when the gateway has no keys registered.
   */
  async seal(gatewayId: string, body: DeliverBody): Promise<DeliverFrameBody> {
    const recipientKeys = this.keysOf(gatewayId);
    const { messageId, attempt, resend = 0, ...content } = body;
    const order: OrderContent = content;
    return {
      messageId,
      attempt,
      resend,
      order: await sealOrder({
        secret: order,
        messageId,
        gatewayId,
        resend,
        attempt,
        signingKey: this.options.signingKey(),
        recipientKeys,
        now: this.now(),
      }),
    };
  }

  /**
   * The Receipt in a gateway's answer to a deliver, once its signature verifies with the
   * gateway's keys and it is about `messageId`. Throws FrameRefusedError or InvalidFrameError.
   */
  async openReceipt(gatewayId: string, body: unknown, messageId: string): Promise<Receipt> {
    const readable = SignedReceipt.safeParse(body);
    if (!readable.success) {
      throw new FrameRefusedError(
        'bad_signature',
        `receipt refused: it is not signed (${describeIssues(readable.error.issues)})`,
      );
    }
    const receipt = Receipt.safeParse(await this.verify(gatewayId, readable.data.signed));
    if (!receipt.success) {
      throw new InvalidFrameError(`invalid receipt: ${describeIssues(receipt.error.issues)}`);
    }
    if (
      receipt.data.messageId !== readable.data.messageId ||
      receipt.data.messageId !== messageId
    ) {
      throw new FrameRefusedError(
        'mismatched_claims',
        `receipt refused: it is signed for message ${receipt.data.messageId}, not ${messageId}`,
      );
    }
    return receipt.data;
  }

  /**
   * An upstream event frame's body: its event id in clear and the signed event, verified with the
   * gateway's keys (returned unvalidated: the caller parses it with UpstreamEvent). Throws
   * FrameRefusedError; `eventId` is the readable one (to answer even a refusal with), when there
   * is one.
   */
  async openEvent(gatewayId: string, body: unknown): Promise<{ eventId: string; event: unknown }> {
    const readable = SignedUpstreamEvent.safeParse(body);
    if (!readable.success) {
      throw new FrameRefusedError(
        'bad_signature',
        `upstream frame refused: it is not signed (${describeIssues(readable.error.issues)})`,
      );
    }
    const event = await this.verify(gatewayId, readable.data.signed);
    const signedId = (event as { eventId?: unknown }).eventId;
    if (signedId !== readable.data.eventId) {
      throw new FrameRefusedError(
        'mismatched_claims',
        "upstream frame refused: its signed event id differs from the frame's",
      );
    }
    return { eventId: readable.data.eventId, event };
  }

  /**
   * The body of the `ack` answering one of a gateway's upstream events: its event id in clear and
   * the UpstreamAck signed with the dispatcher's key for that gateway (`signAck`), afresh each
   * time. The gateway touches its outbox only for an ack that verifies.
   */
  async signAck(gatewayId: string, ack: UpstreamAck): Promise<SignedUpstreamAck> {
    return {
      eventId: ack.eventId,
      signed: await signAck(ack, {
        gatewayId,
        signingKey: this.options.signingKey(),
        now: this.now(),
      }),
    };
  }

  private verify(gatewayId: string, signed: string): Promise<unknown> {
    return verifyUpstream(signed, {
      gatewayId,
      gatewayKeys: this.keysOf(gatewayId),
      now: this.now(),
    });
  }

  private keysOf(gatewayId: string): GatewayPublicJwks {
    const keys = this.options.gatewayKeys(gatewayId);
    if (!keys) throw new GatewayKeysMissingError(gatewayId);
    return keys;
  }
}
