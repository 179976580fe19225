import { insertOnce, keyToObjectId } from '@mbs/store';
import type { Connection } from 'mongoose';
import { NewAccount, Username, type Account, type Role } from './account';
import { accountModel, type AccountDocument } from './account-model';
import type { PasswordHasher } from './password-hasher';

const idOf = (username: string) => keyToObjectId(`account:${username}`);

const accountView = (doc: AccountDocument): Account => ({
  username: doc.username,
  name: doc.name,
  role: doc.role,
  enabled: doc.enabled,
  createdAt: new Date(doc.createdAt),
});

export type SignInCheck =
  | { readonly ok: true; readonly account: Account }
  | { readonly ok: false; readonly why: 'unknown' | 'wrong_password' | 'disabled' };

export type AccountStore = ReturnType<typeof createAccountStore>;

/** Staff accounts in web's own database, keyed by username. */
export function createAccountStore(connection: Connection, hasher: PasswordHasher) {
  const model = accountModel(connection);
  const find = (username: string) => model.findById(idOf(username)).lean<AccountDocument>().exec();

  return {
    /**
     * Creates an account, hashing its password. `created: false` when the username is taken
     * (the existing account is left as it is).
     */
    async create(
      input: NewAccount,
      now = new Date(),
    ): Promise<{ created: boolean; account: Account }> {
      const account = NewAccount.parse(input);
      const result = await insertOnce(model, {
        _id: idOf(account.username),
        username: account.username,
        name: account.name,
        role: account.role,
        passwordHash: await hasher.hash(account.password),
        enabled: true,
        createdAt: now,
        updatedAt: now,
      });
      return { created: result.created, account: accountView(result.document as AccountDocument) };
    },

    /** The enabled account with this username, or undefined (unknown or disabled). */
    async active(username: string): Promise<Account | undefined> {
      const parsed = Username.safeParse(username);
      if (!parsed.success) return undefined;
      const doc = await find(parsed.data);
      return doc?.enabled ? accountView(doc) : undefined;
    },

    async get(username: string): Promise<Account | undefined> {
      const parsed = Username.safeParse(username);
      if (!parsed.success) return undefined;
      const doc = await find(parsed.data);
      return doc ? accountView(doc) : undefined;
    },

    /**
     * Checks a sign-in. An unknown username costs the same time as a wrong password, so the
     * answer's timing tells nobody which usernames exist.
     */
    async checkSignIn(username: string, password: string): Promise<SignInCheck> {
      const parsed = Username.safeParse(username);
      const doc = parsed.success ? await find(parsed.data) : null;
      if (!doc) {
        await hasher.verifyNothing(password);
        return { ok: false, why: 'unknown' };
      }
      if (!(await hasher.verify(doc.passwordHash, password)))
        return { ok: false, why: 'wrong_password' };
      if (!doc.enabled) return { ok: false, why: 'disabled' };
      return { ok: true, account: accountView(doc) };
    },

    /** Enables or disables an account; false when there is none. */
    async setEnabled(username: string, enabled: boolean, now = new Date()): Promise<boolean> {
      const result = await model
        .updateOne({ _id: idOf(Username.parse(username)) }, { $set: { enabled, updatedAt: now } })
        .exec();
      return result.matchedCount === 1;
    },

    async setPassword(username: string, password: string, now = new Date()): Promise<boolean> {
      const passwordHash = await hasher.hash(NewAccount.shape.password.parse(password));
      const result = await model
        .updateOne(
          { _id: idOf(Username.parse(username)) },
          { $set: { passwordHash, updatedAt: now } },
        )
        .exec();
      return result.matchedCount === 1;
    },

    async list(): Promise<Account[]> {
      const docs = await model.find().sort({ username: 1 }).lean<AccountDocument[]>().exec();
      return docs.map(accountView);
    },

    count: () => model.countDocuments().exec(),

    async hasRole(role: Role): Promise<boolean> {
      return (await model.countDocuments({ role }).exec()) > 0;
    },
  };
}
