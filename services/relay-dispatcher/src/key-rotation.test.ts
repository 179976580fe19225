import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { on, type Bus } from '@mbs/bus';
import { MessageConfirmed, MessageFailed, MessageReady, type MessageOf } from '@mbs/contracts';
import { GatewayKeyFile, runKeysCommand, startGateway, type Gateway } from '@mbs/gateway';
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
  generateSigningKey,
  publicJwk,
  type Jwks,
  type PrivateSigningJwk,
  type PublicJwk,
} from '@mbs/trust';
import { readyMessage } from '../test/fixtures';
import {
  eventually,
  quietLogger,
  sleep,
  connectTestParts,
  registerTestGateway,
} from '../test/support';
import { staticSecrets } from './secrets/secret-source';
import { startRelayDispatcher, type RelayDispatcher } from './service';

/**
 * Both sides rotate their keys while orders flow, the real dispatcher and the real gateway over
 * the relay emulator, with nothing refused: the procedure the README gives, step by step.
 */
describe('key rotation without downtime (real dispatcher and gateway; RabbitMQ, MongoDB, relay emulator)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher' });
  const logger = quietLogger();
  let namespace: string;
  let emulator: RelayEmulator;
  let hospital: Server;
  let hospitalUrl: string;
  let received: number;
  let store: Store;
  let service: Bus;
  let observer: Bus;
  let dispatcher: RelayDispatcher | undefined;
  let gateway: Gateway | undefined;
  let dataDir: string;
  const confirmed = new Set<string>();
  const failed: Array<MessageOf<typeof MessageFailed>> = [];

  beforeEach(async () => {
    namespace = uniqueName('relay-dispatcher-rotation');
    emulator = await createRelayEmulator({ port: 0 });
    received = 0;
    hospital = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        received += 1;
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hospital.listen(0, '127.0.0.1', resolve));
    hospitalUrl = `http://127.0.0.1:${(hospital.address() as AddressInfo).port}/fhir`;
    dataDir = mkdtempSync(join(tmpdir(), 'mbs-rotation-'));
    ({ store, service, observer } = await connectTestParts({
      brokerUrl: broker.current.url,
      mongoUrl: mongo.current.url,
      namespace,
      logger,
    }));
    confirmed.clear();
    failed.length = 0;
    await observer.subscribe('observer', [
      on(MessageConfirmed, async (m) => void confirmed.add(m.data.messageId)),
      on(MessageFailed, async (m) => void failed.push(m)),
    ]);
  });

  afterEach(async () => {
    await dispatcher?.stop();
    await dispatcher?.app.close();
    await gateway?.stop(1000);
    await observer.close(2_000);
    await service.close(2_000);
    await emulator.close();
    await new Promise((resolve) => hospital.close(resolve));
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
    await deleteNamespace(broker.current.url, namespace);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rotates the dispatcher signing key and the gateway keys mid-traffic with nothing refused', async () => {
    // The gateway makes its keys on its host; their public half is registered with it.
    const keysFile = join(dataDir, 'keys', 'gateway-keys.json');
    const first = await runKeysCommand(keysFile, 'create');
    let dispatcherKey: PrivateSigningJwk = await generateSigningKey('dispatcher-2026-01');
    let accepted: Jwks<PublicJwk> = { keys: [publicJwk(dispatcherKey)] };
    await registerTestGateway(store, emulator.url, first.publicKeys);
    const staff = await testStaffKeys();
    dispatcher = await startRelayDispatcher({
      bus: service,
      store,
      logger,
      secrets: staticSecrets({ RELAY_SEND_KEY_GATEWAY_LOCAL: 'dev-send-key-not-secret' }),
      staffKeys: staff.keys,
      signingKey: () => dispatcherKey,
      options: {
        retryLimit: 3,
        ackTimeoutMs: 5_000,
        confirmTimeoutMs: 10_000,
        echoIntervalMs: 60_000,
        pollIntervalMs: 50,
        reconnectBaseMs: 50,
        reconnectMaxMs: 150,
        relayEndpoints: [emulator.url],
      },
    });
    const api = withBearer(dispatcher.app, await staff.token('relay-dispatcher', 'admin'));
    gateway = await startGateway({
      relay: {
        endpoint: emulator.url,
        path: 'gateway-local',
        keyName: 'listen',
        key: 'dev-listen-key-not-secret',
      },
      gatewayId: 'gateway-local',
      keys: GatewayKeyFile.open(keysFile),
      dispatcherKeys: () => accepted,
      targets: [{ name: 'ris-fhir', kind: 'http', url: hospitalUrl, timeoutMs: 5_000, retries: 0 }],
      dataDir,
      logger,
      apiToken: 'test-modality-token-0123456789',
      outboxRetryMs: 1_000,
    });
    await gateway.listener.waitUntilOnline(10_000);
    await eventually(
      () => dispatcher!.sessions.session('gateway-local') !== undefined,
      'a session',
    );

    const sent: string[] = [];
    const send = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const ready = readyMessage();
        sent.push(ready.data.messageId);
        await observer.publish(MessageReady, ready);
        await sleep(40);
      }
    };

    await send(8);
    // The dispatcher's signing key: 1. the gateway accepts [next, current];
    const next = await generateSigningKey('dispatcher-2026-02');
    accepted = { keys: [publicJwk(next), publicJwk(dispatcherKey)] };
    await send(4);
    // 2. the dispatcher signs with next.
    dispatcherKey = next;
    await send(8);

    // The gateway's keys: 1. on its host, a new set first, the old kept (--rotate);
    const rotated = await runKeysCommand(keysFile, 'rotate');
    await send(4);
    // 2. its registration gets [new, old]: orders go to the new key from now.
    const patched = await api.inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { publicKeys: rotated.publicKeys },
    });
    expect(patched.statusCode).toBe(200);
    await send(8);

    // Once nothing made with the old keys can still arrive: dropped on both sides.
    await eventually(() => sent.every((id) => confirmed.has(id)), 'every order confirmed', 30_000);
    accepted = { keys: [publicJwk(next)] };
    const current = await runKeysCommand(keysFile, 'drop-old');
    expect(
      (
        await api.inject({
          method: 'PATCH',
          url: '/gateways/gateway-local',
          payload: { publicKeys: current.publicKeys },
        })
      ).statusCode,
    ).toBe(200);
    await send(4);

    await eventually(() => sent.every((id) => confirmed.has(id)), 'every order confirmed', 30_000);
    // Nothing refused on either side: no failure, every order delivered on its first send, no
    // upstream event refused, none kept aside by the gateway.
    expect(failed).toEqual([]);
    for (const id of sent) {
      expect(await dispatcher.messages.get(id)).toMatchObject({ status: 'confirmed', attempts: 1 });
    }
    expect(received).toBe(sent.length);
    expect(dispatcher.sessions.status('gateway-local')).toMatchObject({ state: 'open' });
    const shown = await api.inject({ url: '/gateways/gateway-local' });
    expect(shown.json().session.refusedUpstreamEvents).toBe(0);
    expect(gateway.store.counts()).toMatchObject({ outboxRefused: 0, confirmed: sent.length });
  });
});
