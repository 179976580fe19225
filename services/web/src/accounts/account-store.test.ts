import { connectStore, type Store } from '@mbs/store';
import { testLogger, useMongoDb } from '@mbs/testing';
import {
  createAccountStore,
  createPasswordHasher,
  createFirstAdmin,
  type AccountStore,
} from './index';

describe('accounts (MongoDB)', () => {
  const mongo = useMongoDb({ dbPrefix: 'web-accounts' });
  let store: Store;
  let accounts: AccountStore;

  beforeEach(async () => {
    store = await connectStore({
      url: mongo.current.url,
      dbName: `${mongo.current.dbName}_${Math.random().toString(36).slice(2, 8)}`,
      logger: testLogger('web-accounts'),
    });
    accounts = createAccountStore(
      store.connection,
      createPasswordHasher({ memoryKiB: 1024, iterations: 1 }),
    );
  });
  afterEach(async () => {
    await store.connection.dropDatabase().catch(() => undefined);
    await store.close();
  });

  it('keeps a username once, lower-cased, and never the password itself', async () => {
    const first = await accounts.create({
      username: 'Ada',
      name: 'Ada',
      role: 'clinic_staff',
      password: 'first long password',
    });
    const second = await accounts.create({
      username: 'ada',
      name: 'Other',
      role: 'admin',
      password: 'second long password',
    });
    expect(first).toMatchObject({
      created: true,
      account: { username: 'ada', role: 'clinic_staff' },
    });
    expect(second).toMatchObject({ created: false, account: { name: 'Ada' } });
    const raw = await store.connection.db!.collection('accounts').findOne({ username: 'ada' });
    expect(raw?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(raw)).not.toContain('first long password');
  });

  it('tells apart an unknown user, a wrong password and a disabled account, for the log only', async () => {
    await accounts.create({
      username: 'ada',
      name: 'Ada',
      role: 'clinic_staff',
      password: 'the right password',
    });
    expect(await accounts.checkSignIn('nobody', 'the right password')).toEqual({
      ok: false,
      why: 'unknown',
    });
    expect(await accounts.checkSignIn('ada', 'the wrong password')).toEqual({
      ok: false,
      why: 'wrong_password',
    });
    expect(await accounts.checkSignIn(' ADA ', 'the right password')).toMatchObject({ ok: true });
    await accounts.setEnabled('ada', false);
    expect(await accounts.checkSignIn('ada', 'the right password')).toEqual({
      ok: false,
      why: 'disabled',
    });
    expect(await accounts.active('ada')).toBeUndefined();
  });

  it('creates the first administrator only when there is no account at all', async () => {
    const admin = { username: 'admin', name: 'Admin', password: 'configured password' };
    expect(await createFirstAdmin(accounts, admin, testLogger('web'))).toBe(true);
    expect(
      await createFirstAdmin(
        accounts,
        { ...admin, password: 'changed in config' },
        testLogger('web'),
      ),
    ).toBe(false);
    expect(await accounts.checkSignIn('admin', 'configured password')).toMatchObject({
      ok: true,
      account: { role: 'admin' },
    });
  });
});

describe('password hashing at the production cost', () => {
  it('hashes with argon2id at 19 MiB and 2 passes, and verifies', async () => {
    const hasher = createPasswordHasher({ memoryKiB: 19456, iterations: 2 });
    const hash = await hasher.hash('a production strength password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'a production strength password')).toBe(true);
    expect(await hasher.verify(hash, 'another password')).toBe(false);
    expect(await hasher.verify('not a hash', 'anything')).toBe(false);
    expect(await hasher.verifyNothing('anything')).toBe(false);
  });
});
