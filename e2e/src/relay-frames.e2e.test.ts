import {
  DeliverFrameBody,
  Receipt,
  SignedReceipt,
  SignedUpstreamAck,
  UpstreamAck,
} from '@mbs/contracts';
import { openRelaySession, type RelaySession } from '@mbs/relay';
import type { RelayedFrame } from '@mbs/relay-emulator';
import { eventually } from '@mbs/testing';
import {
  generateSigningKey,
  openOrder,
  sealOrder,
  signAck,
  verifyAck,
  verifyUpstream,
  type Jwks,
  type PrivateSigningJwk,
  type PublicJwk,
} from '@mbs/trust';
import { connectStaffBus, getJson, sendJson } from './system/clients';
import {
  bookedAppointments,
  pointDemoGatewayAtThisRelay,
  receivedBySink,
  waitForMessage,
  waitForState,
} from './system/flow';
import { startSystem, type RunningSystem } from './system/system';

/** A session frame as the relay carried it: `{kind, id, replyTo?, traceparent?, body?}`. */
interface WireFrame {
  kind: string;
  id: string;
  replyTo?: string;
  body?: unknown;
}

/** A base64url segment's bytes, as text: what a reader of the segment would see. */
const segmentText = (segment: string) => Buffer.from(segment, 'base64url').toString('latin1');

/**
 * Everything a relay operator could read in a frame: the frame as carried, and every base64url
 * segment of every compact token in it, decoded (a JWS's header and claims are only encoded).
 */
function readable(frame: RelayedFrame): string[] {
  const tokens = frame.data.match(/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}/g) ?? [];
  const segments = tokens.flatMap((token) => token.split('.'));
  const decoded = segments.map(segmentText);
  // Nested: the JWE inside a JWS's claims.
  const nested = decoded.flatMap(
    (text) => text.match(/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}/g) ?? [],
  );
  return [frame.data, ...decoded, ...nested.flatMap((t) => t.split('.').map(segmentText))];
}

/**
 * What the relay can and cannot see, with every protection on: the whole system, its relay
 * emulator tapped. Then what a relay operator (or anyone with a Send key) can do with what it saw.
 */
describe('what crosses the relay (every process, the relay emulator tapped)', () => {
  let system: RunningSystem;
  let staff: Awaited<ReturnType<typeof connectStaffBus>>;
  let leeds: string[];
  /** What the hospital got: the participant, as the order carried them. */
  let participant: { nhsNumber: string; family: string; given: string; birthDate: string };
  let messageId: string;

  beforeAll(async () => {
    system = await startSystem({
      tapRelay: true,
      dispatcher: {
        DISPATCHER_RETRY_LIMIT: '10',
        DISPATCHER_RETRY_BASE_MS: '200',
        DISPATCHER_RETRY_MAX_MS: '1000',
        DISPATCHER_ACK_TIMEOUT_MS: '3000',
        DISPATCHER_CONFIRM_TIMEOUT_MS: '15000',
        DISPATCHER_ECHO_INTERVAL_MS: '1000',
      },
    });
    staff = await connectStaffBus(system);
    await pointDemoGatewayAtThisRelay(system);
    leeds = await bookedAppointments(system, 'setting-leeds');

    // One participant sent to the modality, examined and reported back: orders, receipts,
    // outcomes and a modality event all cross the relay.
    const id = leeds.shift()!;
    await staff.checkIn(id);
    const { accessionNumber } = await waitForState(system, id, 'checked_in');
    await staff.sendToModality(id);
    const confirmed = await waitForMessage(system, accessionNumber, 'confirmed');
    messageId = confirmed.messageId;
    await waitForState(system, id, 'with_modality');
    await sendJson('POST', `${system.urls.sink}/modality/examinations`, {
      accessionNumber,
      event: 'examination_completed',
    });
    await waitForState(system, id, 'screened');

    const [delivery] = (await receivedBySink(system)).filter((r) => r.messageId === messageId);
    const bundle = JSON.parse(delivery!.body) as {
      entry: Array<{ resource: Record<string, unknown> }>;
    };
    const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')!.resource as {
      identifier: Array<{ value: string }>;
      name: Array<{ family: string; given: string[] }>;
      birthDate: string;
    };
    participant = {
      nhsNumber: patient.identifier[0]!.value,
      family: patient.name[0]!.family,
      given: patient.name[0]!.given[0]!,
      birthDate: patient.birthDate,
    };
  }, 240_000);

  afterAll(async () => {
    await staff?.bus.close();
    await system?.stop();
  }, 60_000);

  /** What must never be readable on the relay. */
  const secrets = () => [
    participant.nhsNumber,
    `${participant.nhsNumber.slice(0, 3)} ${participant.nhsNumber.slice(3, 6)} ${participant.nhsNumber.slice(6)}`,
    participant.family,
    participant.given,
    participant.birthDate,
    '"resourceType"',
    'Patient',
  ];

  const delivers = () =>
    system
      .relayFrames()
      .map((frame) => ({ frame, wire: JSON.parse(frame.data) as WireFrame }))
      .filter(({ wire }) => wire.kind === 'deliver');

  it('carries no NHS number, name, date of birth or FHIR resource in any frame, either way', async () => {
    const frames = system.relayFrames();
    const kinds = new Set(frames.map((frame) => (JSON.parse(frame.data) as WireFrame).kind));
    // It saw the traffic: orders, the gateway's answers and events, and the dispatcher's acks.
    expect([...kinds]).toEqual(expect.arrayContaining(['deliver', 'ack', 'event']));
    expect(participant.nhsNumber).toMatch(/^\d{10}$/);
    for (const frame of frames) {
      for (const text of readable(frame)) {
        for (const secret of secrets()) {
          if (text.includes(secret)) {
            throw new Error(
              `the relay could read ${JSON.stringify(secret)} in a ${frame.direction} frame`,
            );
          }
        }
      }
    }
    // What it can read of a deliver: the ids, the kind, the attempt, the trace, and a token.
    const [first] = delivers();
    expect(Object.keys(first!.wire.body as object).sort()).toEqual([
      'attempt',
      'messageId',
      'order',
      'resend',
    ]);
  });

  it('carries the orders: the same frames, opened with the gateway key, hold the participant (the control)', async () => {
    const opened: string[] = [];
    for (const { frame, wire } of delivers()) {
      const body = DeliverFrameBody.parse(wire.body);
      const { secret } = await openOrder(body.order, {
        gatewayId: 'gateway-local',
        expected: { messageId: body.messageId },
        dispatcherKeys: JSON.parse(system.keys.env.GATEWAY_DISPATCHER_KEYS) as Jwks<PublicJwk>,
        privateKeys: system.keys.gateway.privateKeys,
        // As the gateway opened it then: it has expired since.
        now: new Date(frame.at),
      });
      // The order as the gateway hands it on: its fields, the payload text among them.
      const { payload, ...fields } = secret as { payload: string };
      opened.push(`${JSON.stringify(fields)}\n${payload}`);
    }
    const ours = opened.filter((text) => text.includes(participant.nhsNumber));
    expect(ours.length).toBeGreaterThan(0);
    const { nhsNumber, family, given, birthDate } = participant;
    for (const secret of [nhsNumber, family, given, birthDate, '"resourceType"', 'Patient'])
      expect(ours[0]).toContain(secret);
  });

  it('carries every ack of an upstream event signed by the dispatcher for this gateway, which the gateway takes', async () => {
    const dispatcherKeys = JSON.parse(system.keys.env.GATEWAY_DISPATCHER_KEYS) as Jwks<PublicJwk>;
    const carried = system
      .relayFrames()
      .map((frame) => ({ frame, wire: JSON.parse(frame.data) as WireFrame }));
    const events = new Set(
      carried.filter(({ wire }) => wire.kind === 'event').map(({ wire }) => wire.id),
    );
    const acks = carried.filter(
      ({ wire }) => wire.kind === 'ack' && wire.replyTo !== undefined && events.has(wire.replyTo),
    );
    // The outcome's and the modality event's at least.
    expect(acks.length).toBeGreaterThanOrEqual(2);
    for (const { frame, wire } of acks) {
      // Readable: the event id only; the ack itself is signed.
      expect(Object.keys(wire.body as object).sort()).toEqual(['eventId', 'signed']);
      const { eventId, signed } = SignedUpstreamAck.parse(wire.body);
      const ack = UpstreamAck.parse(
        await verifyAck(signed, {
          gatewayId: 'gateway-local',
          expected: { eventId },
          dispatcherKeys,
          // As the gateway verified it then: it has expired since.
          now: new Date(frame.at),
        }),
      );
      expect(ack).toMatchObject({ eventId, status: 'accepted' });
      // For this gateway only.
      await expect(
        verifyAck(signed, {
          gatewayId: 'gateway-york',
          expected: { eventId },
          dispatcherKeys,
          now: new Date(frame.at),
        }),
      ).rejects.toMatchObject({ code: 'wrong_audience' });
    }
    // The gateway verified them, and dropped each event they acknowledged.
    await eventually(
      async () =>
        (await getJson<{ outboxDepth: number }>(`${system.urls.gateway}/health`)).outboxDepth === 0,
      'the outbox to empty',
    );
    expect(await getJson<{ refusedAcks: number }>(`${system.urls.gateway}/health`)).toMatchObject({
      refusedAcks: 0,
    });
  });

  describe('a captured deliver replayed by someone with a Send key (the relay operator, say)', () => {
    let sender: RelaySession;
    let captured: ReturnType<typeof DeliverFrameBody.parse>;
    const gatewayKeys = () =>
      JSON.parse(system.keys.env.DEMO_GATEWAY_PUBLIC_KEYS) as Jwks<PublicJwk>;

    beforeAll(async () => {
      sender = await openRelaySession({
        endpoint: system.relayEndpoint,
        path: 'gateway-local',
        keyName: 'send',
        key: 'dev-send-key-not-secret',
        timeoutMs: 10_000,
      });
      const ours = delivers().find(
        ({ wire }) => (wire.body as { messageId?: string }).messageId === messageId,
      )!;
      captured = DeliverFrameBody.parse(ours.wire.body);
    });
    afterAll(async () => {
      await sender?.close();
    });

    /** Sends `body` as a deliver; the gateway's receipt, verified with its public keys. */
    const deliver = async (body: unknown): Promise<Receipt> => {
      const answer = await sender.request({ kind: 'deliver', body }, { timeoutMs: 10_000 });
      const signed = SignedReceipt.parse(answer.body);
      return Receipt.parse(
        await verifyUpstream(signed.signed, {
          gatewayId: 'gateway-local',
          gatewayKeys: gatewayKeys(),
        }),
      );
    };
    const gatewayCounts = async () =>
      await getJson<{ delivered: number; confirmed: number }>(`${system.urls.gateway}/health`);

    it('is refused with a changed payload and with a changed audience; nothing reaches the hospital', async () => {
      const before = await gatewayCounts();
      const deliveredBefore = (await receivedBySink(system)).length;
      const [header, claims, signature] = captured.order.split('.') as [string, string, string];
      const decoded = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const reencode = (change: Record<string, unknown>) =>
        `${header}.${Buffer.from(JSON.stringify({ ...decoded, ...change })).toString('base64url')}.${signature}`;
      // The payload changed: another order (here, one byte of its ciphertext) under the signature.
      const jwe = (decoded.order as string).split('.');
      const tampered = jwe
        .map((part, i) => (i === 3 ? `${part[0] === 'A' ? 'B' : 'A'}${part.slice(1)}` : part))
        .join('.');
      const changedPayload = await deliver({ ...captured, order: reencode({ order: tampered }) });
      expect(changedPayload).toMatchObject({ messageId, status: 'refused', code: 'bad_signature' });
      // The audience changed: readdressed to another gateway.
      const changedAudience = await deliver({
        ...captured,
        order: reencode({ aud: 'gateway-york' }),
      });
      expect(changedAudience).toMatchObject({
        messageId,
        status: 'refused',
        code: 'bad_signature',
      });
      // Replayed as it was, within its 5 minutes: the same order, which the gateway has. It is
      // answered so and not delivered again (and after 5 minutes it is refused as expired).
      expect(await deliver(captured)).toMatchObject({
        messageId,
        status: 'already_have',
        outcome: 'confirmed',
      });

      expect(await gatewayCounts()).toMatchObject({
        delivered: before.delivered,
        confirmed: before.confirmed,
      });
      expect((await receivedBySink(system)).length).toBe(deliveredBefore);
    });

    it('is refused even signed with the dispatcher key: another order under its id, or for another gateway', async () => {
      const dispatcherKey = JSON.parse(system.keys.env.DISPATCHER_SIGNING_KEY) as PrivateSigningJwk;
      const deliveredBefore = (await receivedBySink(system)).length;
      const reseal = async (gatewayId: string, payload: string) => ({
        messageId,
        attempt: 1,
        resend: 0,
        order: await sealOrder({
          secret: {
            appointmentId: 'apt-forged',
            accessionNumber: 'MBSFORGED0001',
            messageType: 'fhir-r4',
            target: 'ris-fhir',
            contentType: 'application/fhir+json',
            payload,
          },
          messageId,
          gatewayId,
          resend: 0,
          attempt: 1,
          signingKey: dispatcherKey,
          recipientKeys: gatewayKeys(),
        }),
      });
      expect(
        await deliver(await reseal('gateway-local', '{"resourceType":"Bundle"}')),
      ).toMatchObject({
        messageId,
        status: 'refused',
        code: 'replayed_with_different_content',
      });
      expect(await deliver(await reseal('gateway-york', '{}'))).toMatchObject({
        status: 'refused',
        code: 'wrong_audience',
      });
      expect((await receivedBySink(system)).length).toBe(deliveredBefore);
    });

    it('cannot make the gateway drop an event: an ack the dispatcher did not sign is refused and counted', async () => {
      const health = () =>
        getJson<{ refusedAcks: number; outboxDepth: number }>(`${system.urls.gateway}/health`);
      const before = await health();
      const dispatcherKey = JSON.parse(system.keys.env.DISPATCHER_SIGNING_KEY) as PrivateSigningJwk;
      const forger = await generateSigningKey(dispatcherKey.kid);
      const eventId = 'evt-forged-by-a-send-key-holder';
      const ack = { eventId, status: 'accepted' };
      const forged = {
        eventId,
        signed: await signAck(ack, { gatewayId: 'gateway-local', signingKey: forger }),
      };
      for (const body of [forged, ack]) {
        const answer = await sender.request({ kind: 'ack', body }, { timeoutMs: 10_000 });
        expect(answer).toMatchObject({ kind: 'error', body: { code: 'bad_signature' } });
      }
      expect(await health()).toMatchObject({
        refusedAcks: before.refusedAcks + 2,
        outboxDepth: before.outboxDepth,
      });
    });
  });
});
