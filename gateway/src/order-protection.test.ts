import { join } from 'node:path';
import type { RelayEmulator } from '@mbs/relay-emulator';
import {
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  verifyUpstream,
  type Jwks,
  type PublicJwk,
} from '@mbs/trust';
import {
  connectDispatcher,
  deliverBody,
  eventually,
  sealDeliver,
  sleep,
  startEmulator,
  startFakeTarget,
  startTestGateway,
  tempDir,
  removeDir,
  testKeys,
  type FakeDispatcher,
  type FakeTarget,
  type TestKeys,
} from '../test/support';
import type { Target } from './config';
import type { Gateway } from './gateway';
import { GatewayKeyFile, type GatewayKeySource } from './protection/key-file';
import { runKeysCommand } from './protection/keys-command';

/** A segment of a compact token as JSON, and back. */
const decode = (segment: string) =>
  JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>;
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (compact: string) => compact.split('.') as [string, string, string];
/** The segment with its first character changed. */
const flip = (segment: string) => `${segment[0] === 'A' ? 'B' : 'A'}${segment.slice(1)}`;

describe('orders protected end to end: the gateway opens every deliver before it records anything (real sockets)', () => {
  let emulator: RelayEmulator;
  let target: FakeTarget;
  let dataDir: string;
  let targets: Target[];
  let gateway: Gateway | undefined;
  let keys: TestKeys;
  const dispatchers: FakeDispatcher[] = [];

  const dispatcher = async () => {
    const connected = await connectDispatcher(emulator);
    dispatchers.push(connected);
    return connected;
  };

  beforeAll(async () => {
    keys = await testKeys();
  });

  beforeEach(async () => {
    emulator = await startEmulator();
    target = await startFakeTarget();
    dataDir = tempDir('gateway-protection');
    targets = [{ name: 'ris-fhir', kind: 'http', url: target.url, timeoutMs: 10_000, retries: 0 }];
    gateway = await startTestGateway(emulator, targets, dataDir);
  });

  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.close().catch(() => undefined);
    await gateway?.stop(1000);
    await target.close();
    await emulator.close();
    removeDir(dataDir);
  });

  /** The deliver was refused with `code`, and nothing of it was recorded or delivered. */
  const refusedUntouched = async (
    answer: Awaited<ReturnType<FakeDispatcher['deliver']>>,
    messageId: string,
    code: string,
  ) => {
    expect(answer.kind).toBe('ack');
    expect(answer.body).toMatchObject({ messageId, status: 'refused', code });
    // The reason names what is wrong, never anything of the order.
    expect((answer.body as { reason: string }).reason).toMatch(/^(order frame|deliver) refused: /);
    await sleep(100);
    expect(gateway!.store.getMessage(messageId)).toBeUndefined();
    expect(target.requests).toHaveLength(0);
    expect(gateway!.store.counts()).toMatchObject({ delivered: 0, outboxDepth: 0 });
  };

  it('takes a sealed order from the dispatcher, records it and answers with a receipt signed by its own key', async () => {
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    const receipt = await d.deliver(body);
    // openSigned verified the receipt with the gateway's public keys before it was read here.
    expect(receipt.body).toEqual({ messageId: body.messageId, status: 'received' });
    await eventually(() => d.events.length === 1, 'the signed outcome');
    expect(target.requests[0]!.body).toBe(body.payload);
    expect(gateway!.store.getMessage(body.messageId)).toMatchObject({
      payload: body.payload,
      orderHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('refuses bad_signature: a forgery claiming the dispatcher key, an unknown key, an unsigned frame and a changed payload', async () => {
    const d = await dispatcher();
    // Another key under the dispatcher key's kid: the signature does not verify.
    const forger = await generateSigningKey(keys.dispatcher.kid);
    const forged = deliverBody('ris-fhir');
    await refusedUntouched(
      await d.deliver(forged, undefined, { signingKey: forger }),
      forged.messageId,
      'bad_signature',
    );

    // A key the gateway was never given.
    const stranger = await generateSigningKey('someone-else');
    const unknown = deliverBody('ris-fhir');
    const unknownAnswer = await d.deliver(unknown, undefined, { signingKey: stranger });
    await refusedUntouched(unknownAnswer, unknown.messageId, 'bad_signature');
    expect((unknownAnswer.body as { reason: string }).reason).toMatch(/unknown kid/);

    // alg none: no signature at all.
    const unsigned = deliverBody('ris-fhir');
    const sealed = await sealDeliver(unsigned);
    const [, payload] = parts(sealed.order as string);
    const none = `${encode({ alg: 'none', typ: 'mbs-order+jwt', kid: keys.dispatcher.kid })}.${payload}.`;
    await refusedUntouched(
      await d.deliverRaw({ ...sealed, order: none }),
      unsigned.messageId,
      'bad_signature',
    );

    // A captured frame whose signed claims were changed (its order swapped for another one).
    const captured = await sealDeliver(deliverBody('ris-fhir'));
    const other = await sealDeliver(deliverBody('ris-fhir', { payload: '{"changed":true}' }));
    const [header, claims, signature] = parts(captured.order as string);
    const swapped = encode({
      ...decode(claims),
      order: decode(parts(other.order as string)[1]).order,
    });
    await refusedUntouched(
      await d.deliverRaw({ ...captured, order: `${header}.${swapped}.${signature}` }),
      captured.messageId as string,
      'bad_signature',
    );
  });

  it('refuses wrong_audience: an order sealed for another gateway, or a captured one re-addressed to this one, before decrypting anything', async () => {
    const d = await dispatcher();
    const elsewhere = deliverBody('ris-fhir');
    const answer = await d.deliver(elsewhere, undefined, { gatewayId: 'gateway-york' });
    await refusedUntouched(answer, elsewhere.messageId, 'wrong_audience');

    // The same frame with its audience rewritten to this gateway: the signature no longer holds.
    const captured = await sealDeliver(deliverBody('ris-fhir'), { gatewayId: 'gateway-york' });
    const [header, claims, signature] = parts(captured.order as string);
    const readdressed = `${header}.${encode({ ...decode(claims), aud: 'gateway-local' })}.${signature}`;
    await refusedUntouched(
      await d.deliverRaw({ ...captured, order: readdressed }),
      captured.messageId as string,
      'bad_signature',
    );
  });

  it('refuses expired: an order past its expiry and the clock tolerance, and one issued in the future', async () => {
    const d = await dispatcher();
    const old = deliverBody('ris-fhir');
    await refusedUntouched(
      await d.deliver(old, undefined, { now: new Date(Date.now() - 10 * 60_000) }),
      old.messageId,
      'expired',
    );
    const future = deliverBody('ris-fhir');
    await refusedUntouched(
      await d.deliver(future, undefined, { now: new Date(Date.now() + 10 * 60_000) }),
      future.messageId,
      'expired',
    );
  });

  it('refuses a tampered ciphertext (bad_signature: the signature covers it) and undecryptable: an order encrypted to another gateway', async () => {
    const d = await dispatcher();
    // The relay changes a byte of the encrypted order in a captured frame.
    const body = deliverBody('ris-fhir');
    const captured = await sealDeliver(body);
    const [header, claims, signature] = parts(captured.order as string);
    const jwe = (decode(claims).order as string).split('.');
    const tampered = jwe.map((part, i) => (i === 3 ? flip(part) : part)).join('.');
    await refusedUntouched(
      await d.deliverRaw({
        ...captured,
        order: `${header}.${encode({ ...decode(claims), order: tampered })}.${signature}`,
      }),
      body.messageId,
      'bad_signature',
    );

    // Signed by the dispatcher, but encrypted to a key this gateway does not hold.
    const other = await generateGatewayKeySet();
    const misencrypted = deliverBody('ris-fhir');
    const answer = await d.deliver(misencrypted, undefined, { recipientKeys: other.publicKeys });
    await refusedUntouched(answer, misencrypted.messageId, 'undecryptable');
    expect((answer.body as { reason: string }).reason).toMatch(/a key this gateway does not hold/);
  });

  it('refuses mismatched_claims: a captured order put under another message id in clear', async () => {
    const d = await dispatcher();
    const captured = await sealDeliver(deliverBody('ris-fhir'));
    await refusedUntouched(
      await d.deliverRaw({ ...captured, messageId: 'msg-somebody-else' }),
      'msg-somebody-else',
      'mismatched_claims',
    );
    expect(gateway!.store.getMessage(captured.messageId as string)).toBeUndefined();
  });

  it('refuses replayed_with_different_content: a message id it has, sealed again with another order, whatever became of the first', async () => {
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    expect((await d.deliver(body)).body).toMatchObject({ status: 'received' });
    await eventually(() => d.events.length === 1, 'the outcome of the first');
    const recorded = gateway!.store.getMessage(body.messageId);

    // Validly signed and encrypted, same id, another patient's order: refused, nothing changes.
    for (const change of [
      { payload: '{"resourceType":"Bundle","entry":["someone else"]}' },
      { accessionNumber: 'ACC-OTHER' },
      { target: 'ris-fhir', appointmentId: 'appt-other' },
    ]) {
      const answer = await d.deliver({ ...body, ...change, attempt: 2 });
      expect(answer.body).toMatchObject({
        messageId: body.messageId,
        status: 'refused',
        code: 'replayed_with_different_content',
      });
    }
    // A staff resend with another order is refused too: the order is the message.
    expect((await d.deliver({ ...body, payload: '{}', resend: 1 })).body).toMatchObject({
      code: 'replayed_with_different_content',
    });
    await sleep(100);
    expect(gateway!.store.getMessage(body.messageId)).toEqual(recorded);
    expect(target.requests).toHaveLength(1);
    expect(d.events).toHaveLength(1);

    // The same order again (a retry, or the same frame replayed) is the same message.
    expect((await d.deliver({ ...body, attempt: 3 })).body).toMatchObject({
      status: 'already_have',
      outcome: 'confirmed',
    });
  });

  it('accepts the next dispatcher key beside the current one, by kid: a dispatcher key rotation refuses nothing', async () => {
    await gateway!.stop();
    const next = await generateSigningKey('dispatcher-next');
    let accepted: Jwks<PublicJwk> = keys.dispatcherPublic;
    gateway = await startTestGateway(emulator, targets, dataDir, {
      dispatcherKeys: () => accepted,
    });
    const d = await dispatcher();
    // 1. The gateway accepts [next, current]; 2. the dispatcher switches to next.
    accepted = { keys: [publicJwk(next), ...keys.dispatcherPublic.keys] };
    expect((await d.deliver(deliverBody('ris-fhir'))).body).toMatchObject({ status: 'received' });
    expect(
      (await d.deliver(deliverBody('ris-fhir'), undefined, { signingKey: next })).body,
    ).toMatchObject({ status: 'received' });
    // 3. Once nothing signed by the old key can arrive, it is dropped: what it signs is refused.
    accepted = { keys: [publicJwk(next)] };
    expect((await d.deliver(deliverBody('ris-fhir'))).body).toMatchObject({
      status: 'refused',
      code: 'bad_signature',
    });
  });

  it('takes a rotation of its own keys while it runs: an order to the new key has the key file read again, and what it signs from then verifies with the new key', async () => {
    await gateway!.stop();
    const file = join(dataDir, 'keys', 'gateway-keys.json');
    const made = await runKeysCommand(file, 'create');
    const source: GatewayKeySource = GatewayKeyFile.open(file);
    gateway = await startTestGateway(emulator, targets, dataDir, { keys: source });
    const d = await dispatcher();
    /** Delivers an order sealed to `recipientKeys`; its receipt verified with `gatewayKeys`. */
    const deliverTo = async (
      recipientKeys: Jwks<PublicJwk>,
      gatewayKeys: Jwks<PublicJwk>,
    ): Promise<unknown> => {
      const body = deliverBody('ris-fhir');
      const answer = await d.session.request(
        { kind: 'deliver', body: await sealDeliver(body, { recipientKeys }) },
        { timeoutMs: 10_000 },
      );
      return verifyUpstream((answer.body as { signed: string }).signed, {
        gatewayId: 'gateway-local',
        gatewayKeys,
      });
    };
    await expect(deliverTo(made.publicKeys, made.publicKeys)).resolves.toMatchObject({
      status: 'received',
    });

    // On the gateway host: --rotate. The dispatcher's record gets [new, old]: it encrypts to new.
    const rotated = await runKeysCommand(file, 'rotate');
    // Signed with the NEW key from then: it verifies with the new half alone.
    const newOnly = { keys: rotated.publicKeys.keys.slice(0, 2) };
    await expect(deliverTo(rotated.publicKeys, newOnly)).resolves.toMatchObject({
      status: 'received',
    });
    // An order still encrypted to the old key (sealed before the switch) still opens.
    await expect(deliverTo(made.publicKeys, rotated.publicKeys)).resolves.toMatchObject({
      status: 'received',
    });
    await eventually(() => target.requests.length === 3, 'all three delivered');
  });

  it('signs each send of an upstream event afresh, and keeps one whose signature the dispatcher refused, sending it again', async () => {
    await gateway!.stop();
    gateway = await startTestGateway(emulator, targets, dataDir, { outboxRetryMs: 300 });
    const d = await dispatcher();
    await d.deliver(deliverBody('ris-fhir'));
    await eventually(() => d.events.length === 1, 'the outcome');
    const eventId = d.bodies()[0]!.eventId;
    // The dispatcher could not verify it (say its record lacks this gateway's new key).
    await d.ack(
      eventId,
      'refused',
      'upstream frame refused: it has a signature that does not verify',
      'bad_signature',
    );
    await eventually(() => d.events.length === 2, 'the same event signed and sent again');
    expect(d.bodies()[1]!.eventId).toBe(eventId);
    // Signed again for that send, not a stored copy: another token (a new jti and time).
    const signatures = d.events.map((frame) => (frame as { signed?: string }).signed);
    expect(signatures[0]).toEqual(expect.any(String));
    expect(signatures[1]).not.toBe(signatures[0]);
    expect(gateway!.store.counts()).toMatchObject({ outboxDepth: 1, outboxRefused: 0 });
    await d.ack(eventId);
    await eventually(() => gateway!.store.counts().outboxDepth === 0, 'the outbox to empty');
  });
});
