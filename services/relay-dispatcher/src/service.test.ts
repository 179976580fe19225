import { on, type Bus } from '@mbs/bus';
import {
  MessageConfirmed,
  MessageDelivered,
  MessageFailed,
  MessageReady,
  ModalityEventReported,
  type MessageOf,
} from '@mbs/contracts';
import { createRelayEmulator, type RelayEmulator } from '@mbs/relay-emulator';
import type { Store } from '@mbs/store';
import {
  deleteNamespace,
  testStaffKeys,
  uniqueName,
  useMongoDb,
  useRabbitMq,
  withBearer,
  type TestStaffKeys,
} from '@mbs/testing';
import { FakeGateway } from '../test/fake-gateway';
import { testKeys, type TestKeys } from '../test/keys';
import { readyMessage } from '../test/fixtures';
import {
  eventually,
  quietLogger,
  sleep,
  connectTestParts,
  registerTestGateway,
} from '../test/support';
import { gatewayModel } from './gateways/gateway-model';
import type { DispatcherOptions } from './config';
import { staticSecrets } from './secrets/secret-source';
import { startRelayDispatcher, type RelayDispatcher } from './service';

type Of<C extends Parameters<typeof on>[0]> = MessageOf<C>;

describe('relay-dispatcher service (real RabbitMQ, MongoDB, relay emulator)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher' });
  let namespace: string;
  let emulator: RelayEmulator;
  let store: Store;
  let service: Bus;
  let observer: Bus;
  let dispatcher: RelayDispatcher | undefined;
  let gateway: FakeGateway | undefined;
  let seen: {
    delivered: Of<typeof MessageDelivered>[];
    confirmed: Of<typeof MessageConfirmed>[];
    failed: Of<typeof MessageFailed>[];
    modality: Of<typeof ModalityEventReported>[];
  };
  const logger = quietLogger();

  beforeEach(async () => {
    namespace = uniqueName('relay-dispatcher');
    emulator = await createRelayEmulator({ port: 0 });
    ({ store, service, observer } = await connectTestParts({
      brokerUrl: broker.current.url,
      mongoUrl: mongo.current.url,
      namespace,
      logger,
    }));
    await registerTestGateway(store, emulator.url, keys.gateway.publicKeys);
    seen = { delivered: [], confirmed: [], failed: [], modality: [] };
    await observer.subscribe('observer', [
      on(MessageDelivered, async (m) => void seen.delivered.push(m)),
      on(MessageConfirmed, async (m) => void seen.confirmed.push(m)),
      on(MessageFailed, async (m) => void seen.failed.push(m)),
      on(ModalityEventReported, async (m) => void seen.modality.push(m)),
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

  let staff: TestStaffKeys;
  let adminToken: string;
  let keys: TestKeys;
  beforeAll(async () => {
    keys = await testKeys();
    staff = await testStaffKeys();
    adminToken = await staff.token('relay-dispatcher', 'admin');
  });
  /** The dispatcher's API as an admin sees it (web's token for relay-dispatcher). */
  const api = () => withBearer(dispatcher!.app, adminToken);

  /** Exactly what main.ts runs, with short timings so no test waits long. */
  const start = async (
    options: Partial<DispatcherOptions> = {},
    secrets = staticSecrets({ RELAY_SEND_KEY_GATEWAY_LOCAL: 'dev-send-key-not-secret' }),
  ) => {
    dispatcher = await startRelayDispatcher({
      bus: service,
      store,
      logger,
      secrets,
      staffKeys: staff.keys,
      signingKey: keys.dispatcher,
      options: {
        retryLimit: 4,
        retryBaseMs: 100,
        retryMaxMs: 300,
        // Patient for receipts: on a loaded machine a receipt can take longer than a fraction of a
        // second, and a send retried for that would break counts the tests assert. The test of
        // the receipt wait itself (a silent gateway) sets a short one.
        ackTimeoutMs: 5_000,
        confirmTimeoutMs: 5_000,
        echoIntervalMs: 60_000,
        pollIntervalMs: 50,
        reconnectBaseMs: 50,
        reconnectMaxMs: 150,
        connectTimeoutMs: 2_000,
        // The emulator this suite runs, as docker-compose and the dev overlay list theirs.
        relayEndpoints: [emulator.url],
        ...options,
      },
      retry: { baseDelayMs: 50, maxDelayMs: 100 },
    });
    return dispatcher;
  };
  const startGateway = async () => (gateway = await new FakeGateway(emulator.url).start());
  const sessionOpen = () => dispatcher!.sessions.session('gateway-local') !== undefined;
  const message = (id: string) => dispatcher!.messages.get(id);
  const publish = (m: Of<typeof MessageReady>) => observer.publish(MessageReady, m);

  /** A message the hospital rejected on its first send: failed, and announced as failed. */
  const rejectedOnce = async () => {
    await startGateway();
    gateway!.behaviour = 'reject';
    await start();
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await eventually(() => seen.failed.length === 1, 'message failed');
    return ready;
  };
  const resend = (id: string) => api().inject({ method: 'POST', url: `/messages/${id}/resend` });

  it('delivers a ready message and records receipt and confirmation, publishing both', async () => {
    await startGateway();
    await start();
    await eventually(sessionOpen, 'the session to the gateway');
    const ready = readyMessage();
    await publish(ready);

    await eventually(() => seen.confirmed.length === 1, 'message confirmed');
    await eventually(() => seen.delivered.length === 1, 'message delivered');
    const stored = await message(ready.data.messageId);
    expect(stored).toMatchObject({ status: 'confirmed', attempts: 1 });
    expect(stored!.deliveredAt).toBeInstanceOf(Date);
    expect(stored!.confirmedAt).toBeInstanceOf(Date);
    expect(stored!.confirmedAt!.getTime()).toBeGreaterThanOrEqual(stored!.deliveredAt!.getTime());
    expect(gateway!.delivered).toHaveLength(1);
    expect(gateway!.delivered[0]).toMatchObject({
      messageId: ready.data.messageId,
      target: 'ris-fhir',
      payload: ready.data.payload,
      attempt: 1,
    });
    // The frame carries the message's trace.
    expect(gateway!.deliverFrames[0]!.traceparent).toContain(stored!.traceId!);
    await eventually(() => gateway!.acks.length === 1, 'the outcome acknowledged');
    expect(gateway!.acks).toEqual([expect.objectContaining({ status: 'accepted' })]);
    expect(seen.delivered[0]).toMatchObject({
      id: `delivered:${ready.data.messageId}`,
      causationId: ready.id,
      data: { messageId: ready.data.messageId, gatewayId: 'gateway-local', attempt: 1 },
    });
    expect(seen.confirmed[0]!.data).toMatchObject({ alreadyHad: false });
    expect(seen.failed).toEqual([]);
  });

  it('keeps a message waiting while the gateway is offline and delivers it once it listens', async () => {
    await start({ retryLimit: 50 });
    const ready = readyMessage();
    await publish(ready);
    // The snapshot that showed the failure, not a later read: the message keeps trying, and on a
    // slow machine it may have moved on between the wait and a second read.
    const waiting = await eventually(async () => {
      const current = await message(ready.data.messageId);
      return current?.lastError?.phase === 'connect' ? current : undefined;
    }, 'a connect failure recorded');
    expect(waiting.status).toBe('pending');
    expect(seen.failed).toEqual([]);

    await startGateway();
    await eventually(() => seen.confirmed.length === 1, 'message confirmed after the gateway came');
    await sleep(300);
    expect(gateway!.delivered).toHaveLength(1);
    expect((await message(ready.data.messageId))!.status).toBe('confirmed');
  });

  it('counts the gateway answering "already have it" (confirmed) as confirmed', async () => {
    await startGateway();
    gateway!.behaviour = { receipt: 'already_have', outcome: 'confirmed' };
    await start();
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await eventually(() => seen.confirmed.length === 1, 'message confirmed');
    expect(seen.confirmed[0]!.data.alreadyHad).toBe(true);
    const stored = await message(ready.data.messageId);
    expect(stored!.status).toBe('confirmed');
    expect(stored!.deliveredAt).toBeInstanceOf(Date);
  });

  it('fails a message the hospital rejected as destination_rejected, with the reason', async () => {
    const ready = await rejectedOnce();
    expect(seen.failed[0]!.data).toMatchObject({
      messageId: ready.data.messageId,
      phase: 'destination_rejected',
      reason: 'RIS: unknown procedure code',
    });
    const stored = await message(ready.data.messageId);
    expect(stored).toMatchObject({
      status: 'failed',
      lastError: { phase: 'destination_rejected' },
    });
    expect(stored!.deliveredAt).toBeInstanceOf(Date);
    // Published first, acknowledged after: the ack may trail the event a little.
    await eventually(() => gateway!.acks.length === 1, 'the outcome acknowledged');
    expect(gateway!.acks).toEqual([expect.objectContaining({ status: 'accepted' })]);
    // Permanent: never sent again.
    await sleep(500);
    expect(gateway!.delivered).toHaveLength(1);
    expect(seen.failed).toHaveLength(1);
  });

  it('sends a message again with backoff while the hospital system is unavailable, and confirms it once it is back', async () => {
    await startGateway();
    gateway!.behaviour = 'unavailable';
    // Waits of 1-2 s between tries, so the message is still seen waiting (pending) before its
    // next try even on a slow, shared machine.
    await start({ retryLimit: 10, retryBaseMs: 2_000, retryMaxMs: 2_000 });
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await eventually(
      async () =>
        (await message(ready.data.messageId))?.lastError?.phase === 'destination_unavailable',
      'the unavailable destination recorded',
    );
    const waiting = await message(ready.data.messageId);
    expect(waiting).toMatchObject({
      status: 'pending',
      lastError: {
        phase: 'destination_unavailable',
        reason: expect.stringContaining('ECONNREFUSED'),
      },
    });
    expect(waiting!.nextAttemptAt!.getTime()).toBeGreaterThan(waiting!.lastError!.at.getTime());
    await eventually(() => gateway!.delivered.length >= 2, 'sent again after the backoff');

    gateway!.behaviour = 'confirm';
    await eventually(
      () => seen.confirmed.length === 1,
      'confirmed once the hospital is back',
      10_000,
    );
    expect(seen.failed).toEqual([]);
    const stored = await message(ready.data.messageId);
    expect(stored!.status).toBe('confirmed');
    // Each send is a new attempt of the same message id.
    expect(new Set(gateway!.delivered.map((d) => d.messageId))).toEqual(
      new Set([ready.data.messageId]),
    );
    expect(gateway!.delivered.map((d) => d.attempt)).toEqual(
      gateway!.delivered.map((_, i) => i + 1),
    );
    expect(stored!.history.filter((h) => h.event === 'retry').map((h) => h.detail)).toContain(
      'destination_unavailable: deliver_http: gave up after 4 attempts: POST https://ris/fhir failed: ECONNREFUSED',
    );
  });

  it('fails a message whose hospital system stays unavailable at the retry limit, as destination_unavailable', async () => {
    await startGateway();
    gateway!.behaviour = 'unavailable';
    await start({ retryLimit: 3 });
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await eventually(() => seen.failed.length === 1, 'message failed', 15_000);
    expect(gateway!.delivered).toHaveLength(3);
    expect(seen.failed[0]!.data).toMatchObject({
      messageId: ready.data.messageId,
      phase: 'destination_unavailable',
      attempts: 3,
    });
    expect(seen.failed[0]!.data.reason).toMatch(/Gave up after 3 attempts.*ECONNREFUSED/);
    expect(await message(ready.data.messageId)).toMatchObject({
      status: 'failed',
      lastError: { phase: 'destination_unavailable' },
    });
    await sleep(300);
    expect(seen.failed).toHaveLength(1);
  });

  it('confirms a message failed as confirm_timeout when the hospital confirms it late', async () => {
    await startGateway();
    gateway!.behaviour = 'receipt_only';
    await start({ retryLimit: 2, confirmTimeoutMs: 200 });
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await eventually(() => seen.failed.length === 1, 'failed for want of a confirmation', 10_000);
    expect(seen.failed[0]!.data.phase).toBe('confirm_timeout');

    const reply = await gateway!.sendUpstream({
      type: 'delivery-outcome',
      eventId: 'late-confirmation-1',
      messageId: ready.data.messageId,
      outcome: 'confirmed',
      at: new Date().toISOString(),
    });
    expect(reply.body).toEqual({ eventId: 'late-confirmation-1', status: 'accepted' });
    await eventually(() => seen.confirmed.length === 1, 'message confirmed after all');
    expect(seen.confirmed[0]!.data).toMatchObject({
      messageId: ready.data.messageId,
      alreadyHad: false,
    });
    const stored = await message(ready.data.messageId);
    expect(stored).toMatchObject({ status: 'confirmed' });
    expect(stored!.history.map((h) => h.event).slice(-2)).toEqual(['failed', 'confirmed']);
  });

  it('keeps a rejected message failed when a confirmation arrives for it', async () => {
    const ready = await rejectedOnce();
    const reply = await gateway!.sendUpstream({
      type: 'delivery-outcome',
      eventId: 'contradiction-1',
      messageId: ready.data.messageId,
      outcome: 'confirmed',
      at: new Date().toISOString(),
    });
    expect(reply.body).toMatchObject({ status: 'accepted' });
    await sleep(300);
    expect(seen.confirmed).toEqual([]);
    expect((await message(ready.data.messageId))!.status).toBe('failed');
  });

  it.each([
    [
      'a receipt for another message',
      'wrong_receipt',
      "the gateway's receipt was refused: mismatched_claims (receipt refused: it is signed for message not-",
    ],
    ['an error frame instead of a receipt', 'error_reply', 'gateway answered deliver with error'],
  ] as const)(
    'retries a send answered with %s as a send failure',
    async (_what, behaviour, reason) => {
      await startGateway();
      gateway!.behaviour = behaviour;
      await start({ retryLimit: 10 });
      await eventually(sessionOpen, 'the session');
      const ready = readyMessage();
      await publish(ready);
      // The snapshot that showed the failure: the message keeps trying meanwhile.
      const failedOnce = await eventually(async () => {
        const current = await message(ready.data.messageId);
        return current?.lastError?.phase === 'send' ? current : undefined;
      }, 'a send failure recorded');
      expect(failedOnce.lastError!.reason).toContain(reason);
      expect(failedOnce.status).not.toBe('failed');
      expect(failedOnce.deliveredAt ?? null).toBeNull();

      gateway!.behaviour = 'confirm';
      await eventually(() => seen.confirmed.length === 1, 'confirmed on a later try', 10_000);
      expect(gateway!.delivered.length).toBeGreaterThanOrEqual(2);
      expect(seen.failed).toEqual([]);
    },
  );

  it('retries a message without a receipt (ack_timeout) and fails it at the limit as retry_limit', async () => {
    await startGateway();
    gateway!.behaviour = 'silent';
    await start({ retryLimit: 3, ackTimeoutMs: 400 });
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await eventually(() => seen.failed.length === 1, 'message failed', 15_000);
    expect(gateway!.delivered).toHaveLength(3);
    expect(seen.failed[0]!.data).toMatchObject({ phase: 'retry_limit', attempts: 3 });
    expect(seen.failed[0]!.data.reason).toContain('ack_timeout');
    const stored = await message(ready.data.messageId);
    expect(stored).toMatchObject({ status: 'failed', attempts: 3 });
    expect(stored!.history.filter((h) => h.event === 'retry').map((h) => h.detail)).toEqual([
      expect.stringContaining('ack_timeout'),
      expect.stringContaining('ack_timeout'),
    ]);
  });

  it('stores and sends a redelivered message ready once', async () => {
    await startGateway();
    await start();
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await publish(ready);
    await eventually(() => seen.confirmed.length >= 1, 'message confirmed');
    await sleep(500);
    expect(gateway!.delivered).toHaveLength(1);
    expect(await dispatcher!.messages.count({ messageId: ready.data.messageId })).toBe(1);
  });

  it('opens no session to a gateway whose relay endpoint is not on the allow-list, saying why', async () => {
    await startGateway();
    await start({ relayEndpoints: ['wss://*.servicebus.windows.net'] });
    const status = await eventually(() => {
      const now = dispatcher!.sessions.status('gateway-local');
      return now?.lastError ? now : undefined;
    }, 'the refusal');
    expect(status.lastError).toContain('is not on the allowed list (DISPATCHER_RELAY_ENDPOINTS)');
    await sleep(300);
    expect(sessionOpen()).toBe(false);
    expect(gateway!.connected).toBe(false);
  });

  it('keeps at most DISPATCHER_MAX_IN_FLIGHT sends out at once while it works through a backlog', async () => {
    await startGateway();
    gateway!.receiptDelayMs = 150;
    await start({ maxInFlight: 3 });
    await eventually(sessionOpen, 'the session');
    // A backlog, as after an outage: twenty messages due at once.
    const backlog = Array.from({ length: 20 }, () => readyMessage());
    await Promise.all(backlog.map((ready) => publish(ready)));
    await eventually(() => seen.confirmed.length === 20, 'every message confirmed', 60_000);
    expect(gateway!.maxOutstanding).toBeGreaterThan(1);
    expect(gateway!.maxOutstanding).toBeLessThanOrEqual(3);
  }, 90_000);

  it('publishes a modality event from the gateway before acknowledging it', async () => {
    await startGateway();
    await start();
    await eventually(() => sessionOpen() && gateway!.connected, 'the session');
    // The gateway reports on an order it was given.
    await publish(readyMessage({ accessionNumber: 'ACC0001' }));
    await eventually(() => seen.delivered.length === 1, 'the order delivered to the gateway');
    const reply = await gateway!.sendUpstream({
      type: 'modality-event',
      eventId: 'mpps-1',
      accessionNumber: 'ACC0001',
      event: 'examination_started',
      happenedAt: '2026-11-26T09:30:00.000Z',
    });
    expect(reply).toMatchObject({ kind: 'ack', body: { eventId: 'mpps-1', status: 'accepted' } });
    // Acknowledged only after the publisher confirm: the event is on its way already.
    await eventually(() => seen.modality.length === 1, 'modality event reported');
    expect(seen.modality[0]).toMatchObject({
      id: 'modality:gateway-local:mpps-1',
      data: {
        gatewayId: 'gateway-local',
        event: 'examination_started',
        accessionNumber: 'ACC0001',
      },
    });
  });

  it('refuses a modality event about an order this gateway was never given, and counts it', async () => {
    await startGateway();
    await start();
    await eventually(() => sessionOpen() && gateway!.connected, 'the session');
    const reply = await gateway!.sendUpstream({
      type: 'modality-event',
      eventId: 'mpps-stranger',
      accessionNumber: 'ACC0404',
      event: 'examination_completed',
      happenedAt: '2026-11-26T09:30:00.000Z',
    });
    expect(reply).toMatchObject({
      kind: 'ack',
      body: {
        eventId: 'mpps-stranger',
        status: 'refused',
        reason: 'accession number ACC0404 was not delivered through gateway gateway-local',
      },
    });
    await sleep(200);
    expect(seen.modality).toEqual([]);
    const shown = await api().inject({ url: '/gateways/gateway-local' });
    expect(shown.json().session.refusedUpstreamEvents).toBe(1);
  });

  it('refuses an invalid upstream event, naming the problem', async () => {
    await startGateway();
    await start();
    await eventually(() => sessionOpen() && gateway!.connected, 'the session');
    const reply = await gateway!.sendUpstream({
      type: 'modality-event',
      eventId: 'mpps-2',
      accessionNumber: 'WAY-TOO-LONG-ACCESSION-NUMBER',
      event: 'examination_started',
      happenedAt: '2026-11-26T09:30:00.000Z',
    });
    expect(reply).toMatchObject({ kind: 'ack', body: { eventId: 'mpps-2', status: 'refused' } });
    expect((reply.body as { reason: string }).reason).toContain('accessionNumber');
    await sleep(200);
    expect(seen.modality).toEqual([]);
  });

  it('proves gateway health by an echo, recording its round-trip time', async () => {
    await startGateway();
    await start();
    await eventually(sessionOpen, 'the session');
    await dispatcher!.echo.echoAll();
    const online = await dispatcher!.gateways.get('gateway-local');
    expect(online!.health).toMatchObject({ state: 'online', consecutiveFailures: 0 });
    expect(online!.health.rttMs).toEqual(expect.any(Number));
    expect(online!.health.lastSuccessAt).not.toBeNull();

    await gateway!.stop();
    await eventually(() => !sessionOpen(), 'the session closed');
    await dispatcher!.echo.echoAll();
    await dispatcher!.echo.echoAll();
    const offline = await dispatcher!.gateways.get('gateway-local');
    expect(offline!.health).toMatchObject({ state: 'offline', consecutiveFailures: 2 });
    expect(offline!.health.lastSuccessAt).toBe(online!.health.lastSuccessAt);
  });

  it('resends a failed message on request and refuses to resend one that is not failed', async () => {
    const ready = await rejectedOnce();

    gateway!.behaviour = 'confirm';
    const resent = await resend(ready.data.messageId);
    expect(resent.statusCode).toBe(202);
    await eventually(() => seen.confirmed.length === 1, 'message confirmed after the resend');
    const again = await resend(ready.data.messageId);
    expect(again.statusCode).toBe(409);
    const detail = await api().inject({ url: `/messages/${ready.data.messageId}` });
    expect(detail.json()).toMatchObject({ status: 'confirmed', attempts: 1 });
    // The receipt and the outcome race (the outcome may be applied first), so only the order
    // that is certain is asserted.
    const events: string[] = detail.json().history.map((h: { event: string }) => h.event);
    expect(events.slice(0, 2)).toEqual(['stored', 'sent']);
    expect(events.indexOf('failed')).toBeLessThan(events.indexOf('resend'));
    expect(events.slice(events.indexOf('resend'))).toEqual(
      expect.arrayContaining(['resend', 'sent', 'confirmed']),
    );
    expect(events.at(-1)).toBe('confirmed');
    const list = await api().inject({
      url: '/messages?status=confirmed&accession=ACC0001',
    });
    expect(list.json().messages.map((m: { messageId: string }) => m.messageId)).toEqual([
      ready.data.messageId,
    ]);
    const ofAppointment = await api().inject({
      url: `/messages?appointmentId=${ready.data.appointmentId}`,
    });
    expect(ofAppointment.json().messages.map((m: { messageId: string }) => m.messageId)).toEqual([
      ready.data.messageId,
    ]);
    const ofAnother = await api().inject({ url: '/messages?appointmentId=apt-other' });
    expect(ofAnother.json().messages).toEqual([]);
  });
  it('tells the gateway a resend is one, and publishes its failure and delivery under new ids that consumers take', async () => {
    const id = (await rejectedOnce()).data.messageId;
    await eventually(() => seen.delivered.length === 1, 'the first delivery');

    // The hospital is still refusing it when staff resend it.
    const resent = await resend(id);
    expect(resent.statusCode).toBe(202);
    expect(resent.json()).toMatchObject({ status: 'pending', attempts: 0, resends: 1 });
    await eventually(() => seen.failed.length === 2, 'the failure of the resend');
    await eventually(() => seen.delivered.length === 2, 'the delivery of the resend');

    // The gateway saw a resend (so it delivers a rejected message again), attempts from 1 again.
    expect(gateway!.delivered.map((d) => [d.attempt, d.resend])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    // Same attempt count both times, yet distinct envelope ids: a consumer that applies each
    // event id once (the appointment records the cause id) applies the resend's failure too.
    expect(seen.failed.map((e) => [e.id, e.data.attempts])).toEqual([
      [`failed:${id}:1`, 1],
      [`failed:${id}:resend-1:1`, 1],
    ]);
    expect(seen.delivered.map((e) => e.id)).toEqual([
      `delivered:${id}`,
      `delivered:${id}:resend-1`,
    ]);
    expect(seen.failed[1]!.data).toMatchObject({
      phase: 'destination_rejected',
      reason: 'RIS: unknown procedure code',
    });
    expect(await message(id)).toMatchObject({ status: 'failed', resends: 1, attempts: 1 });

    // Resent again and confirmed this time: a third, distinct delivered id and the confirmation.
    gateway!.behaviour = 'confirm';
    await resend(id);
    await eventually(() => seen.confirmed.length === 1, 'the confirmation of the second resend');
    await eventually(() => seen.delivered.length === 3, 'the delivery of the second resend');
    expect(seen.confirmed[0]!.id).toBe(`confirmed:${id}:resend-2`);
    expect(new Set(seen.delivered.map((e) => e.id)).size).toBe(3);
    await sleep(300);
    expect(seen.failed).toHaveLength(2);
  });

  it('keeps a resent message waiting when a rejection of its earlier send arrives again', async () => {
    const id = (await rejectedOnce()).data.messageId;
    gateway!.behaviour = 'receipt_only';
    await resend(id);
    await eventually(async () => (await message(id))?.status === 'delivered', 'the resend taken');

    // The gateway sends the first send's rejection again (its ack was lost): not this send's.
    const rejection = (eventId: string, resendOf: number, reason: string) =>
      gateway!.sendUpstream({
        type: 'delivery-outcome',
        eventId,
        messageId: id,
        outcome: 'rejected',
        reason,
        resend: resendOf,
        at: new Date().toISOString(),
      });
    const stale = await rejection('out-stale', 0, 'RIS: unknown procedure code');
    expect(stale.body).toEqual({ eventId: 'out-stale', status: 'accepted' });
    await sleep(300);
    expect(await message(id)).toMatchObject({ status: 'delivered', resends: 1 });
    expect(seen.failed).toHaveLength(1);

    // The resend's own rejection still fails it.
    await rejection('out-current', 1, 'RIS: still unknown');
    await eventually(() => seen.failed.length === 2, 'the failure of the resend');
    expect(seen.failed[1]!).toMatchObject({
      id: `failed:${id}:resend-1:1`,
      data: { reason: 'RIS: still unknown' },
    });
  });

  it('sends a delivered message again when its outcome does not come, and takes already_have as confirmed', async () => {
    await startGateway();
    gateway!.behaviour = 'receipt_only';
    // Two seconds for the outcome: the gateway's answer must change (below) before the resend,
    // and the delivered event that tells the test to change it can lag on a loaded machine.
    await start({ confirmTimeoutMs: 2_000 });
    await eventually(sessionOpen, 'the session');
    const ready = readyMessage();
    await publish(ready);
    await eventually(() => seen.delivered.length === 1, 'message delivered');
    expect((await message(ready.data.messageId))!.status).toBe('delivered');

    gateway!.behaviour = { receipt: 'already_have', outcome: 'confirmed' };
    await eventually(() => seen.confirmed.length === 1, 'confirmed by the resend');
    expect(gateway!.delivered.map((d) => d.attempt)).toEqual([1, 2]);
    expect(seen.confirmed[0]!.data.alreadyHad).toBe(true);
    const stored = await message(ready.data.messageId);
    expect(stored).toMatchObject({ status: 'confirmed', attempts: 2 });
  });

  it('fails a message whose gateway never comes online at the limit, naming connect', async () => {
    await start({ retryLimit: 3 });
    const ready = readyMessage();
    await publish(ready);
    await eventually(() => seen.failed.length === 1, 'message failed', 10_000);
    expect(seen.failed[0]!.data).toMatchObject({ phase: 'retry_limit', attempts: 3 });
    expect(seen.failed[0]!.data.reason).toContain('connect');
    // The relay's own answer is kept: why the gateway is offline, not just that it is.
    expect(seen.failed[0]!.data.reason).toContain('no listeners connected');
    const listed = await api().inject({ url: '/messages?status=failed' });
    expect(listed.json().messages).toEqual([
      expect.objectContaining({
        messageId: ready.data.messageId,
        lastError: expect.objectContaining({ phase: 'retry_limit' }),
      }),
    ]);
  });

  it.each([
    [
      'the relay refuses its Send key (401)',
      { RELAY_SEND_KEY_GATEWAY_LOCAL: 'not-the-send-key' },
      /connect: .*401/,
    ],
    [
      'its secret variable is not set',
      {},
      /connect: SecretNotSetError: the secret RELAY_SEND_KEY_GATEWAY_LOCAL named by gateway gateway-local \(sendKeySecret\) is not set/,
    ],
  ] as const)(
    'keeps messages pending, naming connect, and shows it in gateway health when %s',
    async (_what, secrets, reason) => {
      await startGateway();
      await start({ retryLimit: 50 }, staticSecrets(secrets));
      const ready = readyMessage();
      await publish(ready);
      // The snapshot that showed the failure: the message keeps trying meanwhile.
      const waiting = await eventually(async () => {
        const current = await message(ready.data.messageId);
        return current?.lastError?.phase === 'connect' ? current : undefined;
      }, 'a connect failure recorded');
      expect(waiting.status).toBe('pending');
      expect(waiting.lastError!.reason).toMatch(reason);
      expect(seen.failed).toEqual([]);
      expect(gateway!.delivered).toEqual([]);

      await dispatcher!.echo.echoAll();
      const shown = await api().inject({ url: '/gateways/gateway-local' });
      expect(shown.json()).toMatchObject({
        health: { state: 'offline', consecutiveFailures: 1 },
        session: { state: expect.stringMatching(/waiting|connecting/) },
      });
      expect(shown.json().health.lastError).toMatch(reason);
      expect(shown.json().session.lastError).toMatch(reason);
      // The key never shows.
      expect(JSON.stringify(shown.json())).not.toContain('not-the-send-key');
    },
  );

  it('never reads a secret outside RELAY_SEND_KEY_* for a gateway stored with one, and still lists it', async () => {
    // Stored before names were restricted (the API refuses it now).
    await gatewayModel(store.connection).updateOne(
      { gatewayId: 'gateway-local' },
      { $set: { sendKeySecret: 'AMQP_URL' } },
    );
    await startGateway();
    await start(
      { retryLimit: 50 },
      staticSecrets({
        AMQP_URL: 'dev-send-key-not-secret',
        RELAY_SEND_KEY_GATEWAY_LOCAL: 'dev-send-key-not-secret',
      }),
    );
    const ready = readyMessage();
    await publish(ready);
    await eventually(
      async () => (await message(ready.data.messageId))?.lastError?.phase === 'connect',
      'a connect failure recorded',
    );
    expect((await message(ready.data.messageId))!.lastError!.reason).toContain(
      'gateway gateway-local names AMQP_URL as its sendKeySecret; only RELAY_SEND_KEY_* variables are read',
    );
    expect(gateway!.delivered).toEqual([]);
    const listed = await api().inject({ url: '/gateways' });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().gateways[0]).toMatchObject({
      sendKeySecret: 'AMQP_URL',
      session: { lastError: expect.stringContaining('only RELAY_SEND_KEY_*') },
    });

    // Fixing the name through the API opens the session and the message goes.
    const fixed = await api().inject({
      method: 'PATCH',
      url: '/gateways/gateway-local',
      payload: { sendKeySecret: 'RELAY_SEND_KEY_GATEWAY_LOCAL' },
    });
    expect(fixed.statusCode).toBe(200);
    await eventually(() => seen.confirmed.length === 1, 'message confirmed once fixed', 10_000);
    expect(gateway!.delivered).toHaveLength(1);
  });

  it('refuses an outcome for a message it does not have, or sent through another gateway', async () => {
    await startGateway();
    await start();
    await eventually(() => sessionOpen() && gateway!.connected, 'the session');
    const outcome = (eventId: string, messageId: string) => ({
      type: 'delivery-outcome',
      eventId,
      messageId,
      outcome: 'confirmed',
      at: new Date().toISOString(),
    });
    const unknown = await gateway!.sendUpstream(outcome('out-unknown', 'msg-never-sent'));
    expect(unknown.body).toEqual({
      eventId: 'out-unknown',
      status: 'refused',
      reason: 'no message msg-never-sent here',
    });

    const elsewhere = readyMessage({ gatewayId: 'gateway-other' });
    await dispatcher!.messages.insert(elsewhere, {});
    const foreign = await gateway!.sendUpstream(outcome('out-foreign', elsewhere.data.messageId));
    expect(foreign.body).toEqual({
      eventId: 'out-foreign',
      status: 'refused',
      reason: `message ${elsewhere.data.messageId} was sent to gateway gateway-other, not gateway-local`,
    });
    await sleep(200);
    expect(seen.confirmed).toEqual([]);
    expect((await message(elsewhere.data.messageId))!.status).toBe('pending');
  });

  it('closes the session of a disabled gateway and reopens it when enabled', async () => {
    await startGateway();
    await start();
    await eventually(sessionOpen, 'the session');
    const disabled = await api().inject({
      method: 'POST',
      url: '/gateways/gateway-local/disable',
    });
    expect(disabled.json()).toMatchObject({ enabled: false, health: { state: 'disabled' } });
    expect(sessionOpen()).toBe(false);
    await api().inject({ method: 'POST', url: '/gateways/gateway-local/enable' });
    await eventually(sessionOpen, 'the session reopened');
  });
});
