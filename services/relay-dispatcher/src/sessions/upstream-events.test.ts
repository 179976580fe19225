import { SignedUpstreamAck, UpstreamAck } from '@mbs/contracts';
import { newTraceparent, type RelaySession, type SessionFrame } from '@mbs/relay';
import {
  ACK_TYP,
  FrameRefusedError,
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  verifyAck,
  type PrivateSigningJwk,
} from '@mbs/trust';
import { signedEvent, testKeys } from '../../test/keys';
import { quietLogger } from '../../test/support';
import type { OutcomePublisher } from '../delivery/outcome-publisher';
import type { MessageStore } from '../messages/message-store';
import { FrameProtection } from '../protection/frame-protection';
import { upstreamHandler } from './upstream-events';
import { UpstreamRefusals } from './upstream-refusals';

const modalityEvent = {
  type: 'modality-event',
  eventId: 'mpps-9',
  accessionNumber: 'ACC0009',
  event: 'examination_completed',
  happenedAt: '2026-11-26T10:00:00.000Z',
};

/** An event frame as gateway-x sends it: signed with its key (or as `sign` says). */
const frameOf = async (
  event: { eventId: string } & Record<string, unknown>,
  sign: { gatewayId?: string; signingKey?: PrivateSigningJwk; now?: Date } = {},
): Promise<SessionFrame> => ({
  kind: 'event',
  id: `frame-${event.eventId}`,
  traceparent: newTraceparent(),
  body: await signedEvent(event, { gatewayId: 'gateway-x', ...sign }),
});

const modalityFrame = () => frameOf(modalityEvent);

const outcomeFrame = (messageId: string, change: Record<string, unknown> = {}) =>
  frameOf({
    type: 'delivery-outcome',
    eventId: 'out-1',
    messageId,
    outcome: 'confirmed',
    at: '2026-11-26T10:00:00.000Z',
    ...change,
  });

/**
 * Only what the handler reads: the stored message, by id; and which accession numbers each
 * gateway was delivered (ACC0009 through gateway-x, unless a test says otherwise).
 */
const storeWith = (
  stored: Record<string, { gatewayId: string }>,
  delivered: ReadonlyArray<[string, string]> = [['ACC0009', 'gateway-x']],
) =>
  ({
    get: async (messageId: string) => stored[messageId] ?? null,
    deliveredThrough: async (accessionNumber: string, gatewayId: string) =>
      delivered.some(([a, g]) => a === accessionNumber && g === gatewayId),
  }) as unknown as MessageStore;

/** The UpstreamAck in a frame the handler sent, once it verifies as gateway-x verifies it. */
async function ackIn(frame: { kind: string; body?: unknown } | undefined): Promise<UpstreamAck> {
  expect(frame?.kind).toBe('ack');
  const { eventId, signed } = SignedUpstreamAck.parse(frame?.body);
  return UpstreamAck.parse(
    await verifyAck(signed, {
      gatewayId: 'gateway-x',
      expected: { eventId },
      dispatcherKeys: (await testKeys()).dispatcherPublic,
    }),
  );
}

async function harness(
  publish: () => Promise<void>,
  messages = storeWith({}),
  signingKey?: () => PrivateSigningJwk,
) {
  const keys = await testKeys();
  const order: string[] = [];
  const sent: Array<{ kind: string; body?: unknown }> = [];
  const session = {
    send: (frame: { kind: string; body?: unknown }) => {
      order.push(`send ${frame.kind}`);
      sent.push(frame);
      return frame;
    },
  } as unknown as RelaySession;
  const refusals = new UpstreamRefusals();
  const handler = upstreamHandler('gateway-x', {
    refusals,
    bus: {
      publish: async () => {
        order.push('publish start');
        await publish();
        order.push('publish confirmed');
      },
    },
    messages,
    outcomes: {} as OutcomePublisher,
    logger: quietLogger(),
    schedule: { limit: 3, baseMs: 100, maxMs: 1000 },
    // gateway-x's registered keys: its own.
    protection: new FrameProtection({
      signingKey: signingKey ?? (() => keys.dispatcher),
      gatewayKeys: (gatewayId) => (gatewayId === 'gateway-x' ? keys.gateway.publicKeys : undefined),
    }),
  });
  return {
    order,
    sent,
    refusals,
    run: async (frame: SessionFrame | Promise<SessionFrame>) => handler(await frame, session),
  };
}

describe('upstream events', () => {
  it('acknowledges a modality event only after its publish is confirmed', async () => {
    const { order, sent, run } = await harness(() => new Promise((r) => setTimeout(r, 20)));
    await run(modalityFrame());
    expect(order).toEqual(['publish start', 'publish confirmed', 'send ack']);
    expect(await ackIn(sent[0])).toEqual({ eventId: 'mpps-9', status: 'accepted' });
  });

  it("signs every ack with the dispatcher's key for this gateway only, its event id in clear", async () => {
    const keys = await testKeys();
    const { sent, run } = await harness(async () => undefined);
    await run(modalityFrame());
    const { eventId, signed } = SignedUpstreamAck.parse(sent[0]!.body);
    expect(Object.keys(sent[0]!.body as object).sort()).toEqual(['eventId', 'signed']);
    expect(eventId).toBe('mpps-9');
    const header = JSON.parse(Buffer.from(signed.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', typ: ACK_TYP, kid: keys.dispatcher.kid });
    const verifyAs = (gatewayId: string, dispatcherKeys = keys.dispatcherPublic) =>
      verifyAck(signed, { gatewayId, expected: { eventId }, dispatcherKeys });
    await expect(verifyAs('gateway-x')).resolves.toEqual({ eventId: 'mpps-9', status: 'accepted' });
    // Not for another gateway, and by no other key.
    await expect(verifyAs('gateway-y')).rejects.toMatchObject({ code: 'wrong_audience' });
    const other = { keys: [publicJwk(await generateSigningKey(keys.dispatcher.kid))] };
    await expect(verifyAs('gateway-x', other)).rejects.toBeInstanceOf(FrameRefusedError);
  });

  it('sends no ack it cannot sign: the gateway keeps the event and sends it again', async () => {
    const { order, sent, run } = await harness(
      async () => undefined,
      storeWith({}),
      () => {
        throw new Error('the signing key is unusable');
      },
    );
    await run(modalityFrame());
    expect(order).toEqual(['publish start', 'publish confirmed']);
    expect(sent).toEqual([]);
  });

  it('sends no ack when the publish fails, so the gateway keeps the event and resends it', async () => {
    const { sent, run } = await harness(() => Promise.reject(new Error('broker away')));
    await run(modalityFrame());
    expect(sent).toEqual([]);
  });

  it('refuses a modality event for an accession number this gateway was never delivered, and counts it', async () => {
    // ACC0009 went through another gateway: this one may not report on it.
    const { order, sent, refusals, run } = await harness(
      async () => undefined,
      storeWith({}, [['ACC0009', 'gateway-y']]),
    );
    await run(modalityFrame());
    expect(order).toEqual(['send ack']);
    expect(await ackIn(sent[0])).toEqual({
      eventId: 'mpps-9',
      status: 'refused',
      reason: 'accession number ACC0009 was not delivered through gateway gateway-x',
    });
    expect(refusals.of('gateway-x')).toBe(1);
    expect(refusals.of('gateway-y')).toBe(0);
  });

  it('refuses an invalid body with the reason, without publishing', async () => {
    const { order, sent, run } = await harness(async () => undefined);
    await run(frameOf({ type: 'modality-event', eventId: 'mpps-10' }));
    expect(order).toEqual(['send ack']);
    expect(await ackIn(sent[0])).toMatchObject({ eventId: 'mpps-10', status: 'refused' });
    expect((await ackIn(sent[0])).reason).toContain('accessionNumber');
  });

  it('refuses an outcome for a message it does not have, naming it, without publishing', async () => {
    const { order, sent, run } = await harness(async () => undefined, storeWith({}));
    await run(outcomeFrame('msg-unknown'));
    expect(order).toEqual(['send ack']);
    expect(await ackIn(sent[0])).toEqual({
      eventId: 'out-1',
      status: 'refused',
      reason: 'no message msg-unknown here',
    });
  });

  it('refuses an outcome from a gateway the message was not sent through', async () => {
    const { order, sent, run } = await harness(
      async () => undefined,
      storeWith({ 'msg-elsewhere': { gatewayId: 'gateway-y' } }),
    );
    await run(outcomeFrame('msg-elsewhere'));
    expect(order).toEqual(['send ack']);
    expect(await ackIn(sent[0])).toEqual({
      eventId: 'out-1',
      status: 'refused',
      reason: 'message msg-elsewhere was sent to gateway gateway-y, not gateway-x',
    });
  });

  it('refuses an unavailable outcome that does not say why', async () => {
    const { sent, run } = await harness(async () => undefined, storeWith({}));
    await run(outcomeFrame('msg-1', { outcome: 'unavailable' }));
    expect(await ackIn(sent[0])).toMatchObject({ eventId: 'out-1', status: 'refused' });
    expect((await ackIn(sent[0])).reason).toContain('reason');
  });
});

describe("upstream events are acted on only once they verify with the gateway's registered keys", () => {
  /** Refused with `code`, counted and logged, and nothing published. */
  const refusedWith = async (frame: Promise<SessionFrame> | SessionFrame, code: string) => {
    const { order, sent, refusals, run } = await harness(async () => undefined);
    await run(frame);
    expect(order).toEqual(['send ack']);
    expect(await ackIn(sent[0])).toMatchObject({ status: 'refused', code });
    expect(refusals.of('gateway-x')).toBe(1);
    return ackIn(sent[0]);
  };

  it("refuses a forged outcome (another key under the gateway key's kid) as bad_signature, naming the event", async () => {
    const keys = await testKeys();
    const forger = await generateSigningKey(keys.gateway.privateKeys.keys[0].kid);
    const forged = frameOf(
      {
        type: 'delivery-outcome',
        eventId: 'out-forged',
        messageId: 'msg-1',
        outcome: 'confirmed',
        at: '2026-11-26T10:00:00.000Z',
      },
      { signingKey: forger },
    );
    expect(await refusedWith(forged, 'bad_signature')).toMatchObject({
      eventId: 'out-forged',
      reason: 'upstream frame refused: it has a signature that does not verify',
    });
  });

  it('refuses an event signed by a key not registered for the gateway (unknown kid), and an unsigned one', async () => {
    const stranger = await generateSigningKey('not-registered');
    const unknown = await refusedWith(
      frameOf(modalityEvent, { signingKey: stranger }),
      'bad_signature',
    );
    expect(unknown.reason).toMatch(/unknown kid/);
    const unsigned = await refusedWith(
      { kind: 'event', id: 'frame-plain', traceparent: newTraceparent(), body: modalityEvent },
      'bad_signature',
    );
    expect(unsigned).toMatchObject({
      eventId: 'mpps-9',
      reason: expect.stringMatching(/not signed/),
    });
  });

  it("refuses another gateway's event on this gateway's session: by its key (bad_signature), or as another issuer (wrong_audience)", async () => {
    const other = await generateGatewayKeySet();
    await refusedWith(
      frameOf(modalityEvent, { gatewayId: 'gateway-y', signingKey: other.privateKeys.keys[0] }),
      'bad_signature',
    );
    // Signed with gateway-x's own key but saying it is from gateway-y: the issuer is wrong.
    await refusedWith(frameOf(modalityEvent, { gatewayId: 'gateway-y' }), 'wrong_audience');
  });

  it('refuses an expired event, and one whose readable event id is not the signed one', async () => {
    await refusedWith(
      frameOf(modalityEvent, { now: new Date(Date.now() - 10 * 60_000) }),
      'expired',
    );
    const frame = await modalityFrame();
    await refusedWith(
      { ...frame, body: { ...(frame.body as object), eventId: 'mpps-other' } },
      'mismatched_claims',
    );
  });
});
