import { connectStore, type Store } from '@mbs/store';
import { uniqueDbName, useMongoDb } from '@mbs/testing';
import { readyMessage } from '../../test/fixtures';
import { quietLogger } from '../../test/support';
import { createMessageStore, type MessageStore } from './message-store';

describe('message store: receipts (MongoDB)', () => {
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher' });
  let store: Store;
  let messages: MessageStore;
  const logger = quietLogger();
  const t0 = new Date('2026-11-26T09:00:00.000Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);

  beforeEach(async () => {
    store = await connectStore({ url: mongo.current.url, dbName: uniqueDbName('rd-ms'), logger });
    messages = createMessageStore(store.connection);
  });

  afterEach(async () => {
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  it('counts a receipt only for the send it answers: a late one from before a staff resend changes nothing', async () => {
    const ready = readyMessage();
    const id = ready.data.messageId;
    await messages.insert(ready, {}, t0);
    // The first send (resend 0, attempt 1) is in flight when the message fails and staff resend it.
    await messages.claim((await messages.get(id))!, t0, 60_000);
    await messages.markFailed(id, { phase: 'destination_rejected', reason: 'refused' }, at(1));
    expect(await messages.resend(id, at(2))).not.toBeNull();
    // The resend's own first send: attempt 1 again, resend 1.
    await messages.claim((await messages.get(id))!, at(3), 60_000);
    expect(await messages.get(id)).toMatchObject({ status: 'sent', attempts: 1, resends: 1 });

    // The first send's receipt arrives only now: same attempt number, earlier resend.
    const late = await messages.markDelivered(id, { attempt: 1, resend: 0 }, at(4), at(100));
    expect(late).toBeNull();
    const after = await messages.get(id);
    expect(after).toMatchObject({ status: 'sent', deliveredAt: null });
    expect(after!.history.map((step) => step.event)).not.toContain('delivered');

    // The resend's own receipt still counts.
    const current = await messages.markDelivered(id, { attempt: 1, resend: 1 }, at(5), at(100));
    expect(current).toMatchObject({ status: 'delivered', deliveredAt: at(5) });
  });

  it('takes a receipt for resend 0 on a message stored before resends were counted', async () => {
    const ready = readyMessage();
    const id = ready.data.messageId;
    await messages.insert(ready, {}, t0);
    await store.connection
      .collection('messages')
      .updateOne({ messageId: id }, { $unset: { resends: '' } });
    const stored = await messages.get(id);
    expect(stored?.resends ?? undefined).toBeUndefined();
    await messages.claim(stored!, t0, 60_000);
    const delivered = await messages.markDelivered(id, { attempt: 1, resend: 0 }, at(1), at(100));
    expect(delivered).toMatchObject({ status: 'delivered', deliveredAt: at(1) });
  });
});
