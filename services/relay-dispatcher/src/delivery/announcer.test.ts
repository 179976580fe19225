import { connectStore, type Store } from '@mbs/store';
import { uniqueDbName, useMongoDb } from '@mbs/testing';
import { readyMessage } from '../../test/fixtures';
import { quietLogger } from '../../test/support';
import { createMessageStore, type MessageStore } from '../messages/message-store';
import { announceMissed } from './announcer';
import { createOutcomePublisher } from './outcome-publisher';

describe('announcer (MongoDB)', () => {
  const mongo = useMongoDb({ dbPrefix: 'relay-dispatcher' });
  let store: Store;
  let messages: MessageStore;
  const logger = quietLogger();

  beforeEach(async () => {
    store = await connectStore({ url: mongo.current.url, dbName: uniqueDbName('rd-ann'), logger });
    messages = createMessageStore(store.connection);
  });

  afterEach(async () => {
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  it('publishes the outcome events whose publish failed after the state change, once', async () => {
    const published: string[] = [];
    let brokerUp = false;
    const outcomes = createOutcomePublisher(
      {
        publish: async (_contract, message) => {
          if (!brokerUp) throw new Error('broker away');
          published.push(message.id);
        },
      },
      messages,
    );
    const ready = readyMessage();
    const t0 = new Date('2026-11-26T09:00:00.000Z');
    await messages.insert(ready, {}, t0);
    await messages.claim((await messages.get(ready.data.messageId))!, t0, 1000);
    const delivered = await messages.markDelivered(
      ready.data.messageId,
      { attempt: 1, resend: 0 },
      t0,
      t0,
    );
    await expect(outcomes.delivered(delivered!)).rejects.toThrow('broker away');
    const confirmed = await messages.markConfirmed(ready.data.messageId, t0, false, 'test');
    await expect(outcomes.confirmed(confirmed!)).rejects.toThrow('broker away');

    const later = new Date(t0.getTime() + 60_000);
    const run = () => announceMissed({ messages, outcomes, logger, settleMs: 1000, now: later });
    expect(await run()).toBe(0); // still away: nothing marked, tried again later
    brokerUp = true;
    expect(await run()).toBe(1);
    expect(published).toEqual([
      `delivered:${ready.data.messageId}`,
      `confirmed:${ready.data.messageId}`,
    ]);
    expect(await run()).toBe(0);
    expect(published).toHaveLength(2);
  });
});
