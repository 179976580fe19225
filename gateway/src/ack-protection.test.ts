import type { RelayEmulator } from '@mbs/relay-emulator';
import { createLogger } from '@mbs/telemetry';
import { generateSigningKey, publicJwk } from '@mbs/trust';
import {
  connectDispatcher,
  deliverBody,
  eventually,
  removeDir,
  sleep,
  startEmulator,
  startFakeTarget,
  startTestGateway,
  tempDir,
  testKeys,
  type FakeDispatcher,
  type FakeTarget,
} from '../test/support';
import type { Target } from './config';
import type { Gateway, GatewayOptions } from './gateway';

/**
 * The dispatcher's acks of upstream events are signed (issue 12): anyone with a relay Send key can
 * connect to the gateway and send it frames, and an ack removes an event from the durable outbox
 * (`accepted`) or stops its resends (`refused`). Real sockets: relay emulator, SQLite, HTTP target.
 */
describe('acks of upstream events: the outbox changes only for one the dispatcher signed for this gateway (real sockets)', () => {
  let emulator: RelayEmulator;
  let target: FakeTarget;
  let dataDir: string;
  let targets: Target[];
  let gateway: Gateway | undefined;
  let d: FakeDispatcher;
  const dispatchers: FakeDispatcher[] = [];
  /** What the gateway logged at warn and above. */
  let logged: Array<Record<string, unknown>>;

  const start = async (overrides: Partial<GatewayOptions> = {}) => {
    for (const connected of dispatchers.splice(0)) await connected.close().catch(() => undefined);
    await gateway?.stop(1000);
    gateway = await startTestGateway(emulator, targets, dataDir, {
      // Sent again quickly when not acknowledged, so a test sees the resend.
      outboxRetryMs: 300,
      logger: createLogger({
        service: 'gateway-test',
        level: 'warn',
        destination: { write: (line: string) => void logged.push(JSON.parse(line)) },
      }),
      ...overrides,
    });
    d = await connectDispatcher(emulator);
    dispatchers.push(d);
  };

  beforeEach(async () => {
    logged = [];
    emulator = await startEmulator();
    target = await startFakeTarget();
    dataDir = tempDir('gateway-acks');
    targets = [{ name: 'ris-fhir', kind: 'http', url: target.url, timeoutMs: 10_000, retries: 0 }];
    await start();
  });

  afterEach(async () => {
    for (const connected of dispatchers.splice(0)) await connected.close().catch(() => undefined);
    await gateway?.stop(1000);
    await target.close();
    await emulator.close();
    removeDir(dataDir);
  });

  /** A message delivered, its confirmed outcome in the outbox and sent: its event id. */
  const pendingEvent = async (): Promise<string> => {
    await d.deliver(deliverBody('ris-fhir'));
    await eventually(() => d.events.length === 1, 'the outcome sent upstream');
    expect(gateway!.store.counts()).toMatchObject({ outboxDepth: 1, outboxRefused: 0 });
    return d.bodies()[0]!.eventId;
  };

  /**
   * `send` an ack that must change nothing: refused with `code` (answered with an error frame
   * naming it, logged with it, counted on /health), the event still pending, and sent again.
   */
  const changesNothing = async (eventId: string, code: string, send: () => unknown) => {
    const refusedBefore = gateway!.health().refusedAcks as number;
    const errorsBefore = d.errors.length;
    const sendsBefore = d.events.length;
    await send();
    await eventually(
      () => gateway!.health().refusedAcks === refusedBefore + 1,
      'the ack refused and counted',
    );
    await eventually(() => d.errors.length === errorsBefore + 1, 'the refusal answered');
    expect(d.errors.at(-1)!.body).toMatchObject({ code, reason: expect.any(String) });
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        phase: 'upstream_ack',
        code,
        eventId,
        refusedAcks: refusedBefore + 1,
        msg: expect.stringContaining('the outbox is unchanged'),
      }),
    );
    expect(gateway!.store.counts()).toMatchObject({ outboxDepth: 1, outboxRefused: 0 });
    await eventually(() => d.events.length > sendsBefore, 'the event sent again');
    expect(d.bodies().at(-1)!.eventId).toBe(eventId);
    expect(gateway!.store.counts()).toMatchObject({ outboxDepth: 1, outboxRefused: 0 });
  };

  /** The genuine ack, signed by the dispatcher for this gateway, removes the event. */
  const genuineAckRemoves = async (eventId: string) => {
    await d.ack(eventId);
    await eventually(() => gateway!.store.counts().outboxDepth === 0, 'the outbox to empty');
  };

  it('a genuine ack, signed by the dispatcher for this gateway, removes the event; nothing is refused', async () => {
    const eventId = await pendingEvent();
    await genuineAckRemoves(eventId);
    await sleep(400);
    expect(d.events).toHaveLength(1);
    expect(gateway!.health()).toMatchObject({ ok: true, refusedAcks: 0 });
    expect(d.errors).toEqual([]);
  });

  it("takes an ack signed with the dispatcher's next key once it is published (rotation)", async () => {
    const keys = await testKeys();
    const next = await generateSigningKey('dispatcher-next');
    await start({ dispatcherKeys: { keys: [publicJwk(next), ...keys.dispatcherPublic.keys] } });
    const eventId = await pendingEvent();
    await d.ack(eventId, 'accepted', undefined, undefined, { signingKey: next });
    await eventually(() => gateway!.store.counts().outboxDepth === 0, 'the outbox to empty');
    expect(gateway!.health().refusedAcks).toBe(0);
  });

  it('a forged accepted ack (signed by another key, even under the dispatcher key id) changes nothing', async () => {
    const keys = await testKeys();
    const eventId = await pendingEvent();
    const forger = await generateSigningKey(keys.dispatcher.kid);
    await changesNothing(eventId, 'bad_signature', () =>
      d.ack(eventId, 'accepted', undefined, undefined, { signingKey: forger }),
    );
    // A relay user's own key, which the gateway was never given.
    const stranger = await generateSigningKey('relay-user');
    await changesNothing(eventId, 'bad_signature', () =>
      d.ack(eventId, 'accepted', undefined, undefined, { signingKey: stranger }),
    );
    await genuineAckRemoves(eventId);
  });

  it('a forged refused ack does not stop the resends, with a code or without', async () => {
    const eventId = await pendingEvent();
    const forger = await generateSigningKey('relay-user');
    await changesNothing(eventId, 'bad_signature', () =>
      d.ack(eventId, 'refused', 'unknown gateway', undefined, { signingKey: forger }),
    );
    await changesNothing(eventId, 'bad_signature', () =>
      d.ack(eventId, 'refused', 'no', 'bad_signature', { signingKey: forger }),
    );
    await genuineAckRemoves(eventId);
  });

  it('an unsigned ack (an UpstreamAck in clear, as a dispatcher of before sent it) changes nothing', async () => {
    const eventId = await pendingEvent();
    await changesNothing(eventId, 'bad_signature', () => d.ackRaw({ eventId, status: 'accepted' }));
    await changesNothing(eventId, 'bad_signature', () =>
      d.ackRaw({ eventId, status: 'refused', reason: 'unknown gateway' }),
    );
    expect(d.errors.at(-1)!.body).toMatchObject({
      reason: expect.stringMatching(/^ack frame refused: it is not signed/),
    });
    await genuineAckRemoves(eventId);
  });

  it('an ack the dispatcher signed for another gateway changes nothing', async () => {
    const eventId = await pendingEvent();
    await changesNothing(eventId, 'wrong_audience', () =>
      d.ack(eventId, 'accepted', undefined, undefined, { gatewayId: 'gateway-elsewhere' }),
    );
    await genuineAckRemoves(eventId);
  });

  it('an expired ack (a captured one replayed later) changes nothing', async () => {
    const eventId = await pendingEvent();
    await changesNothing(eventId, 'expired', () =>
      d.ack(eventId, 'accepted', undefined, undefined, {
        now: new Date(Date.now() - 10 * 60_000),
      }),
    );
    await genuineAckRemoves(eventId);
  });

  it('an ack whose signed event id is not the one in clear (a genuine ack of another event, relabelled) changes nothing', async () => {
    const eventId = await pendingEvent();
    await changesNothing(eventId, 'mismatched_claims', () =>
      d.ack('another-event', 'accepted', undefined, undefined, { readableEventId: eventId }),
    );
    await genuineAckRemoves(eventId);
  });
});
