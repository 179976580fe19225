import { connectStore, type Store } from '@mbs/store';
import { uniqueDbName, useMongoDb } from '@mbs/testing';
import { quietLogger } from '../../test/support';
import { DestinationConflictError } from './destination-errors';
import { enabledDestinationGuard, STALE_CLAIM_MS } from './enabled-destination-guard';

describe('the enabled destination guard of a setting (MongoDB)', () => {
  const mongo = useMongoDb({ dbPrefix: 'fhir-builder' });
  let store: Store;
  /** Which destinations are really enabled, as the store would answer. */
  let enabled: Set<string>;
  let guard: ReturnType<typeof enabledDestinationGuard>;
  const t0 = new Date('2026-11-26T09:00:00.000Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeEach(async () => {
    store = await connectStore({
      url: mongo.current.url,
      dbName: uniqueDbName('fhir-builder-guard'),
      logger: quietLogger(),
    });
    enabled = new Set();
    guard = enabledDestinationGuard(store.connection, async (id) => enabled.has(id));
  });
  afterEach(async () => {
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  it('lets one of many concurrent claims win, and the winner claim again', async () => {
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => guard.claim('setting-leeds', `dest-${id}`, t0)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DestinationConflictError);
    const winner = `dest-${['a', 'b', 'c', 'd', 'e', 'f'][results.indexOf(won[0]!)]}`;
    await expect(guard.claim('setting-leeds', winner, t0)).resolves.toBeUndefined();
  });

  it('keeps settings apart', async () => {
    await guard.claim('setting-leeds', 'dest-leeds', t0);
    await expect(guard.claim('setting-york', 'dest-york', t0)).resolves.toBeUndefined();
  });

  it('is freed only by its holder', async () => {
    await guard.claim('setting-leeds', 'dest-a', t0);
    await guard.release('setting-leeds', 'dest-b', t0);
    await expect(guard.claim('setting-leeds', 'dest-b', t0)).rejects.toThrow(
      'Setting setting-leeds already has an enabled destination (dest-a)',
    );
    await guard.release('setting-leeds', 'dest-a', t0);
    await expect(guard.claim('setting-leeds', 'dest-b', t0)).resolves.toBeUndefined();
  });

  it('refuses while a young claim of a not (yet) enabled destination may still be written', async () => {
    await guard.claim('setting-leeds', 'dest-a', t0);
    await expect(
      guard.claim('setting-leeds', 'dest-b', later(STALE_CLAIM_MS - 1)),
    ).rejects.toBeInstanceOf(DestinationConflictError);
  });

  it('takes over a stale claim whose holder is not enabled (its writer died), never a live one', async () => {
    await guard.claim('setting-leeds', 'dest-a', t0);
    enabled.add('dest-a');
    await expect(
      guard.claim('setting-leeds', 'dest-b', later(STALE_CLAIM_MS * 10)),
    ).rejects.toBeInstanceOf(DestinationConflictError);
    enabled.delete('dest-a');
    await expect(
      guard.claim('setting-leeds', 'dest-b', later(STALE_CLAIM_MS)),
    ).resolves.toBeUndefined();
    await expect(guard.claim('setting-leeds', 'dest-a', later(STALE_CLAIM_MS + 1))).rejects.toThrow(
      '(dest-b)',
    );
  });
});
