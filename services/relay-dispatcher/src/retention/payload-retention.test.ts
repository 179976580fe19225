import { Bus } from '@mbs/bus';
import { connectStore, type Store } from '@mbs/store';
import {
  deleteNamespace,
  testStaffKeys,
  uniqueDbName,
  uniqueName,
  useMongoDb,
  useRabbitMq,
  withBearer,
} from '@mbs/testing';
import { readyMessage } from '../../test/fixtures';
import { eventually, quietLogger } from '../../test/support';
import { createMessageStore, type MessageStore } from '../messages/message-store';
import { messageDetail, messageSummary } from '../messages/message-view';
import { staticSecrets } from '../secrets/secret-source';
import { startRelayDispatcher, type RelayDispatcher } from '../service';
import { PayloadRetention } from './payload-retention';
import { testKeys } from '../../test/keys';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-26T09:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
const PAYLOAD = '{"resourceType":"Bundle","type":"transaction","entry":[]}';

describe('dispatcher payload retention (MongoDB)', () => {
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher-retention' });
  const logger = quietLogger();
  let store: Store;
  let messages: MessageStore;

  beforeEach(async () => {
    store = await connectStore({
      url: mongo.current.url,
      dbName: uniqueDbName('relay-dispatcher-retention'),
      logger,
    });
    messages = createMessageStore(store.connection);
  });
  afterEach(async () => {
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  /** A message stored `storedDaysAgo` days ago, still pending. */
  const stored = async (storedDaysAgo: number) => {
    const ready = readyMessage();
    await messages.insert(ready, {}, daysAgo(storedDaysAgo));
    return ready.data.messageId;
  };
  const confirmed = async (confirmedDaysAgo: number) => {
    const id = await stored(confirmedDaysAgo + 1);
    await messages.markConfirmed(id, daysAgo(confirmedDaysAgo), false, 'confirmed');
    return id;
  };
  const failed = async (failedDaysAgo: number) => {
    const id = await stored(failedDaysAgo + 1);
    await messages.markFailed(
      id,
      { phase: 'destination_rejected', reason: 'ris-fhir answered 422: Unknown patient' },
      daysAgo(failedDaysAgo),
    );
    return id;
  };

  it('removes the payload of messages confirmed longer ago than the retention, keeping metadata and history', async () => {
    const old = await confirmed(31);
    const recent = await confirmed(29);
    const before = (await messages.get(old))!;

    expect(await messages.purgePayloads(daysAgo(30), now)).toBe(1);

    const after = (await messages.get(old))!;
    expect(after.payload ?? null).toBeNull();
    expect(after.payloadPurgedAt).toEqual(now);
    expect(messageSummary(after)).toEqual(messageSummary(before));
    expect(after.history.slice(0, before.history.length)).toEqual(before.history);
    expect(after.history.at(-1)).toMatchObject({ event: 'payload_purged', at: now });
    expect((await messages.get(recent))!.payload).toBe(PAYLOAD);
    // Once: a later pass neither counts it again nor moves its date.
    expect(await messages.purgePayloads(now, new Date(now.getTime() + DAY))).toBe(1);
    expect((await messages.get(old))!.payloadPurgedAt).toEqual(now);
  });

  it('shows that the payload was purged, and when, instead of an empty payload', async () => {
    const old = await confirmed(31);
    await messages.purgePayloads(daysAgo(30), now);
    expect(messageDetail((await messages.get(old))!)).toMatchObject({
      status: 'confirmed',
      payload: null,
      payloadPurgedAt: now.toISOString(),
    });
    const kept = await confirmed(1);
    expect(messageDetail((await messages.get(kept))!)).toMatchObject({
      payload: PAYLOAD,
      payloadPurgedAt: null,
    });
  });

  it('never purges a failed message (it can be resent), however old, nor one still on its way', async () => {
    const oldFailed = await failed(400);
    const pending = await stored(400);
    const sent = await stored(400);
    await messages.claim((await messages.get(sent))!, daysAgo(399), 1000);
    const delivered = await stored(400);
    const claimed = await messages.claim((await messages.get(delivered))!, daysAgo(399), 1000);
    await messages.markDelivered(
      delivered,
      { attempt: claimed!.attempts, resend: 0 },
      daysAgo(399),
      daysAgo(398),
    );

    expect(await messages.purgePayloads(now, now)).toBe(0);

    for (const [id, status] of [
      [oldFailed, 'failed'],
      [pending, 'pending'],
      [sent, 'sent'],
      [delivered, 'delivered'],
    ] as const) {
      expect(await messages.get(id)).toMatchObject({ status, payload: PAYLOAD });
    }
    // The failed one can still be resent, with its payload.
    expect(await messages.resend(oldFailed, now)).toMatchObject({
      status: 'pending',
      payload: PAYLOAD,
    });
  });

  it('counts the retention from the final state: a failed message confirmed late keeps its payload until then', async () => {
    const id = await stored(401);
    await messages.markFailed(id, { phase: 'confirm_timeout', reason: 'no outcome' }, daysAgo(400));
    await messages.markConfirmed(id, daysAgo(1), false, 'confirmed late');
    expect(await messages.purgePayloads(daysAgo(30), now)).toBe(0);
    expect((await messages.get(id))!.payload).toBe(PAYLOAD);
  });

  it('never resends a purged message, and a repeated message ready does not bring its payload back', async () => {
    const ready = readyMessage();
    await messages.insert(ready, {}, daysAgo(32));
    await messages.markConfirmed(ready.data.messageId, daysAgo(31), false, 'confirmed');
    await messages.purgePayloads(daysAgo(30), now);

    expect(await messages.resend(ready.data.messageId, now)).toBeNull();
    expect((await messages.insert(ready, {}, now)).created).toBe(false);
    expect(await messages.due(new Date(now.getTime() + 365 * DAY), 50)).toEqual([]);
    expect(await messages.get(ready.data.messageId)).toMatchObject({
      status: 'confirmed',
      payloadPurgedAt: now,
    });
    expect((await messages.get(ready.data.messageId))!.payload ?? null).toBeNull();
  });

  it('purges at start and then every interval, counting the retention from each pass', async () => {
    let clock = now;
    const first = await confirmed(31);
    const retention = new PayloadRetention({
      messages,
      retentionMs: 30 * DAY,
      intervalMs: 20,
      logger,
      now: () => clock,
    });
    retention.start();
    try {
      await eventually(
        async () => (await messages.get(first))!.payloadPurgedAt !== undefined,
        'the first pass',
      );
      const second = await confirmed(29);
      clock = new Date(now.getTime() + 2 * DAY);
      await eventually(
        async () => Boolean((await messages.get(second))!.payloadPurgedAt),
        'a later pass',
      );
    } finally {
      await retention.stop();
    }
  });
});

describe('dispatcher payload retention through the service (real RabbitMQ, MongoDB)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher-retention' });
  const logger = quietLogger();
  let namespace: string;
  let store: Store;
  let bus: Bus;
  let dispatcher: RelayDispatcher | undefined;

  beforeEach(async () => {
    namespace = uniqueName('relay-dispatcher-retention');
    store = await connectStore({
      url: mongo.current.url,
      dbName: uniqueDbName('relay-dispatcher-retention'),
      logger,
    });
    bus = await Bus.connect({
      url: broker.current.url,
      service: 'relay-dispatcher',
      namespace,
      logger,
    });
  });
  afterEach(async () => {
    await dispatcher?.stop();
    await dispatcher?.app.close();
    await bus.close(2_000);
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
    await deleteNamespace(broker.current.url, namespace);
  });

  it('purges a confirmed payload after the retention; the API shows it purged and refuses a resend', async () => {
    const staff = await testStaffKeys();
    dispatcher = await startRelayDispatcher({
      bus,
      store,
      logger,
      secrets: staticSecrets({}),
      staffKeys: staff.keys,
      signingKey: (await testKeys()).dispatcher,
      options: { payloadRetentionMs: 200, purgeIntervalMs: 50, pollIntervalMs: 50 },
    });
    const api = withBearer(dispatcher.app, await staff.token('relay-dispatcher', 'admin'));
    const ready = readyMessage({ gatewayId: 'gateway-nowhere' });
    await dispatcher.messages.insert(ready, {});
    await dispatcher.messages.markConfirmed(ready.data.messageId, new Date(), false, 'confirmed');
    const id = ready.data.messageId;

    await eventually(
      async () => Boolean((await dispatcher!.messages.get(id))?.payloadPurgedAt),
      'the payload purged',
    );
    const detail = await api.inject({ method: 'GET', url: `/messages/${id}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      messageId: id,
      status: 'confirmed',
      payload: null,
      payloadPurgedAt: expect.any(String),
      accessionNumber: 'ACC0001',
    });
    const resend = await api.inject({ method: 'POST', url: `/messages/${id}/resend` });
    expect(resend.statusCode).toBe(409);
  });
});
