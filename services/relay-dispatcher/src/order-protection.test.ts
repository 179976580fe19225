import { on, type Bus } from '@mbs/bus';
import { MessageConfirmed, MessageFailed, MessageReady, type MessageOf } from '@mbs/contracts';
import { createRelayEmulator, type RelayEmulator } from '@mbs/relay-emulator';
import type { Store } from '@mbs/store';
import {
  deleteNamespace,
  testStaffKeys,
  uniqueName,
  useMongoDb,
  useRabbitMq,
  withBearer,
} from '@mbs/testing';
import {
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  type GatewayKeySet,
} from '@mbs/trust';
import { FakeGateway } from '../test/fake-gateway';
import { readyMessage } from '../test/fixtures';
import { testKeys, type TestKeys } from '../test/keys';
import {
  eventually,
  quietLogger,
  sleep,
  connectTestParts,
  registerTestGateway,
} from '../test/support';
import { staticSecrets } from './secrets/secret-source';
import { startRelayDispatcher, type RelayDispatcher } from './service';

type Failed = MessageOf<typeof MessageFailed>;

describe('orders protected end to end, the dispatcher side (real RabbitMQ, MongoDB, relay emulator)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher' });
  const logger = quietLogger();
  let namespace: string;
  let emulator: RelayEmulator;
  let store: Store;
  let service: Bus;
  let observer: Bus;
  let dispatcher: RelayDispatcher | undefined;
  let gateway: FakeGateway | undefined;
  let keys: TestKeys;
  let adminToken: string;
  let staffKeys: Awaited<ReturnType<typeof testStaffKeys>>;
  const seen = { confirmed: [] as unknown[], failed: [] as Failed[] };

  beforeAll(async () => {
    keys = await testKeys();
    staffKeys = await testStaffKeys();
    adminToken = await staffKeys.token('relay-dispatcher', 'admin');
  });

  /** Registers gateway-local with `publicKeys` (null: without any). */
  const register = (publicKeys: GatewayKeySet['publicKeys'] | null = keys.gateway.publicKeys) =>
    registerTestGateway(store, emulator.url, publicKeys ?? undefined);

  beforeEach(async () => {
    namespace = uniqueName('relay-dispatcher-protection');
    emulator = await createRelayEmulator({ port: 0 });
    ({ store, service, observer } = await connectTestParts({
      brokerUrl: broker.current.url,
      mongoUrl: mongo.current.url,
      namespace,
      logger,
    }));
    seen.confirmed = [];
    seen.failed = [];
    await observer.subscribe('observer', [
      on(MessageConfirmed, async (m) => void seen.confirmed.push(m)),
      on(MessageFailed, async (m) => void seen.failed.push(m)),
    ]);
    dispatcher = undefined;
    gateway = undefined;
  });

  afterEach(async () => {
    await dispatcher?.stop();
    await dispatcher?.app.close();
    await gateway?.stop();
    await observer.close(2_000);
    await service.close(2_000);
    await emulator.close();
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
    await deleteNamespace(broker.current.url, namespace);
  });

  const start = async (overrides: { retryLimit?: number } = {}) => {
    dispatcher = await startRelayDispatcher({
      bus: service,
      store,
      logger,
      secrets: staticSecrets({ RELAY_SEND_KEY_GATEWAY_LOCAL: 'dev-send-key-not-secret' }),
      staffKeys: staffKeys.keys,
      signingKey: keys.dispatcher,
      options: {
        retryLimit: 4,
        retryBaseMs: 100,
        retryMaxMs: 300,
        ackTimeoutMs: 5_000,
        confirmTimeoutMs: 5_000,
        echoIntervalMs: 60_000,
        pollIntervalMs: 50,
        reconnectBaseMs: 50,
        reconnectMaxMs: 150,
        connectTimeoutMs: 2_000,
        relayEndpoints: [emulator.url],
        ...overrides,
      },
      retry: { baseDelayMs: 50, maxDelayMs: 100 },
    });
    return dispatcher;
  };
  const startGateway = async (made = new FakeGateway(emulator.url)) =>
    (gateway = await made.start());
  const sessionOpen = () => dispatcher!.sessions.session('gateway-local') !== undefined;
  const publish = (m: MessageOf<typeof MessageReady>) => observer.publish(MessageReady, m);
  const api = () => withBearer(dispatcher!.app, adminToken);

  it('sends each deliver with only its ids in clear and the order sealed, sealed afresh for every send', async () => {
    await register();
    await startGateway();
    gateway!.behaviour = 'receipt_only';
    await start();
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage({
      payload: JSON.stringify({
        resourceType: 'Bundle',
        entry: [{ resource: { resourceType: 'Patient', identifier: '9434765919' } }],
      }),
      accessionNumber: 'ACC0042',
    });
    await publish(ready);
    // No outcome comes: after the confirm wait it is sent again.
    await eventually(() => gateway!.deliverFrames.length === 2, 'a second send', 15_000);
    const [first, second] = gateway!.deliverFrames.map(
      (frame) => frame.body as Record<string, unknown>,
    );
    expect(Object.keys(first!).sort()).toEqual(['attempt', 'messageId', 'order', 'resend']);
    expect(first).toMatchObject({ messageId: ready.data.messageId, attempt: 1, resend: 0 });
    expect(second).toMatchObject({ messageId: ready.data.messageId, attempt: 2 });
    // Signed again for the retry: another token, not a copy of the first.
    expect(second!.order).not.toBe(first!.order);
    const wire = JSON.stringify(gateway!.deliverFrames);
    for (const secret of [
      '9434765919',
      'Patient',
      'resourceType',
      'ACC0042',
      'ris-fhir',
      'appt-1',
    ]) {
      expect(wire).not.toContain(secret);
    }
    // What the gateway opened is the order.
    expect(gateway!.delivered[0]).toMatchObject({
      payload: ready.data.payload,
      accessionNumber: 'ACC0042',
      target: 'ris-fhir',
    });
  });

  it.each([
    [
      'its key is not one the gateway accepts',
      'bad_signature',
      (url: string, other: GatewayKeySet) => {
        const made = new FakeGateway(url);
        made.dispatcherKeys = { keys: [publicJwk(other.privateKeys.keys[0])] };
        return made;
      },
    ],
    [
      'its registration names an encryption key the gateway does not hold',
      'undecryptable',
      (url: string) => new FakeGateway(url),
    ],
  ] as const)(
    'records a deliver the gateway refuses because %s as failed, refused: %s, and never sends it again',
    async (_what, code, arrange) => {
      const stale = await generateGatewayKeySet();
      // Its signing key is right (its answers verify); for undecryptable, its encryption key is not.
      await register(
        code === 'undecryptable'
          ? { keys: [keys.gateway.publicKeys.keys[0], stale.publicKeys.keys[1]] }
          : keys.gateway.publicKeys,
      );
      await startGateway(arrange(emulator.url, await generateGatewayKeySet()));
      await start();
      await eventually(sessionOpen, 'the session');
      const ready = readyMessage();
      await publish(ready);
      await eventually(() => seen.failed.length === 1, 'the message failed');
      expect(seen.failed[0]!.data).toMatchObject({
        messageId: ready.data.messageId,
        phase: 'send',
        reason: expect.stringMatching(
          new RegExp(`^refused: ${code} \\(the gateway refused the order: order frame refused: `),
        ),
        attempts: 1,
      });
      const stored = await dispatcher!.messages.get(ready.data.messageId);
      expect(stored).toMatchObject({ status: 'failed', attempts: 1, lastError: { phase: 'send' } });
      // Permanent: not sent again.
      await sleep(600);
      expect(gateway!.deliverFrames).toHaveLength(1);
      expect(gateway!.delivered).toHaveLength(0);
      // Staff see it: the message API shows the reason.
      const shown = await api().inject({ url: `/messages/${ready.data.messageId}` });
      expect(shown.json()).toMatchObject({
        status: 'failed',
        lastError: { phase: 'send', reason: expect.stringContaining(`refused: ${code}`) },
      });
    },
  );

  it('believes no answer from a gateway that signs as another: its receipts are refused (wrong_audience) and the message fails at the limit, saying why', async () => {
    await register();
    // Its GATEWAY_ID is wrong: it refuses the orders for gateway-local, and signs as gateway-york.
    await startGateway(new FakeGateway(emulator.url, 'gateway-local', 'gateway-york'));
    await start();
    await eventually(sessionOpen, 'the session');
    await publish(readyMessage());
    await eventually(() => seen.failed.length === 1, 'the message failed at the limit', 15_000);
    expect(seen.failed[0]!.data).toMatchObject({ phase: 'retry_limit', attempts: 4 });
    expect(seen.failed[0]!.data.reason).toMatch(
      /last: send: the gateway's receipt was refused: wrong_audience/,
    );
    expect(gateway!.refused.map((r) => r.code)).toEqual(Array(4).fill('wrong_audience'));
  });

  it('opens no session to a gateway without registered keys: its messages wait, and go once the keys are registered', async () => {
    await register(null);
    await startGateway();
    await start({ retryLimit: 50 });
    const ready = readyMessage();
    await publish(ready);
    const waiting = await eventually(async () => {
      const current = await dispatcher!.messages.get(ready.data.messageId);
      return current?.lastError?.phase === 'connect' ? current : undefined;
    }, 'the message waiting');
    expect(waiting.status).toBe('pending');
    expect(waiting.lastError!.reason).toMatch(/has no public keys registered/);
    expect(dispatcher!.sessions.status('gateway-local')?.lastError).toMatch(
      /has no public keys registered/,
    );

    const patched = await api().inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { publicKeys: keys.gateway.publicKeys },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().publicKeys).toEqual(keys.gateway.publicKeys);
    await eventually(() => seen.confirmed.length === 1, 'confirmed once the keys are registered');
  });

  it('acts on no receipt that does not verify: a forged receipt confirms nothing and the send is retried', async () => {
    await register();
    await startGateway();
    const forger = await generateSigningKey(keys.gateway.privateKeys.keys[0].kid);
    gateway!.signingKey = forger;
    gateway!.behaviour = { receipt: 'already_have', outcome: 'confirmed' };
    await start();
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    const refused = await eventually(async () => {
      const current = await dispatcher!.messages.get(ready.data.messageId);
      return current?.lastError ? current : undefined;
    }, 'the receipt refused');
    expect(refused.lastError).toMatchObject({
      phase: 'send',
      reason: expect.stringMatching(/^the gateway's receipt was refused: bad_signature/),
    });
    expect(refused.status).not.toBe('confirmed');
    expect(seen.confirmed).toEqual([]);
    // The real gateway again: it goes.
    gateway!.signingKey = undefined;
    await eventually(() => seen.confirmed.length === 1, 'confirmed with a receipt that verifies');
  });

  it('changes nothing for a forged outcome: refused with its code, logged and counted, nothing published', async () => {
    await register();
    await startGateway();
    gateway!.behaviour = 'receipt_only';
    await start();
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await eventually(
      async () => (await dispatcher!.messages.get(ready.data.messageId))?.status === 'delivered',
      'delivered',
    );
    gateway!.signingKey = await generateSigningKey(keys.gateway.privateKeys.keys[0].kid);
    const reply = await gateway!.sendUpstream({
      type: 'delivery-outcome',
      eventId: 'out-forged',
      messageId: ready.data.messageId,
      outcome: 'confirmed',
      at: new Date().toISOString(),
    });
    expect(reply.body).toEqual({
      eventId: 'out-forged',
      status: 'refused',
      code: 'bad_signature',
      reason: 'upstream frame refused: it has a signature that does not verify',
    });
    // Unsigned, as a gateway of before: refused the same way.
    const unsigned = await gateway!.sendUpstream(
      {
        type: 'delivery-outcome',
        eventId: 'out-plain',
        messageId: ready.data.messageId,
        outcome: 'confirmed',
        at: new Date().toISOString(),
      },
      { raw: true },
    );
    expect(unsigned.body).toMatchObject({
      eventId: 'out-plain',
      status: 'refused',
      code: 'bad_signature',
    });
    await sleep(300);
    expect(seen.confirmed).toEqual([]);
    expect(await dispatcher!.messages.get(ready.data.messageId)).toMatchObject({
      status: 'delivered',
    });
    const shown = await api().inject({ url: '/gateways/gateway-local' });
    expect(shown.json().session).toMatchObject({ refusedUpstreamEvents: 2 });
  });

  it('encrypts to the first encryption key of the registration and verifies with any of its signing keys: a gateway key rotation through PATCH refuses nothing', async () => {
    await register();
    const next = await generateGatewayKeySet();
    // The gateway holds both sets, signs with its old key until it switches.
    const both: GatewayKeySet = {
      privateKeys: { keys: [...keys.gateway.privateKeys.keys] } as GatewayKeySet['privateKeys'],
      publicKeys: keys.gateway.publicKeys,
    };
    const made = new FakeGateway(emulator.url, 'gateway-local', 'gateway-local', both);
    await startGateway(made);
    await start();
    await eventually(sessionOpen, 'the session');
    await publish(readyMessage());
    await eventually(() => seen.confirmed.length === 1, 'the first confirmed');

    // 1. The gateway takes the new set beside the old (decrypts with either).
    (both.privateKeys.keys as unknown[]).push(...next.privateKeys.keys);
    // 2. Its registration gets [new, old]: orders go to the new key, both signatures verify.
    const patched = await api().inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { publicKeys: { keys: [...next.publicKeys.keys, ...keys.gateway.publicKeys.keys] } },
    });
    expect(patched.statusCode).toBe(200);
    await publish(readyMessage());
    await eventually(() => seen.confirmed.length === 2, 'the second confirmed');
    // 3. The gateway signs with its new key.
    gateway!.signingKey = next.privateKeys.keys[0];
    await publish(readyMessage());
    await eventually(() => seen.confirmed.length === 3, 'the third confirmed');
    expect(gateway!.refused).toEqual([]);
    expect(seen.failed).toEqual([]);
    expect(dispatcher!.sessions.status('gateway-local')).toMatchObject({ state: 'open' });
  });
});
