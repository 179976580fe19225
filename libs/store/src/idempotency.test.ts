import { randomUUID } from 'node:crypto';
import { PermanentError } from '@mbs/errors';
import { useMongoDb } from '@mbs/testing';
import { type Model, Schema, Types } from 'mongoose';
import { applyOnce, appliedKeysDefinition } from './apply-once';
import { connectStore, type Store } from './connect-store';
import { isDuplicateIdError, isDuplicateKeyError } from './duplicate-key';
import { insertOnce } from './insert-once';
import { keyToObjectId } from './key-to-object-id';
import { capturingLogger } from '../test/capturing-logger';

interface Appointment {
  _id: Types.ObjectId;
  state: 'checked_in' | 'sent_to_modality' | 'with_modality';
  sends: number;
  appliedKeys: string[];
}

const appointmentSchema = new Schema<Appointment>({
  state: { type: String, required: true },
  sends: { type: Number, default: 0 },
  appliedKeys: appliedKeysDefinition,
});

const sendToModality = { $set: { state: 'sent_to_modality' as const }, $inc: { sends: 1 } };

describe('idempotency helpers (MongoDB from @mbs/testing: MONGODB_URL, a container, or the stand-in)', () => {
  const mongo = useMongoDb({ dbPrefix: 'store_idempotency' });
  let store: Store;
  let Appointments: Model<Appointment>;

  beforeAll(async () => {
    const { logger } = capturingLogger();
    store = await connectStore({ url: mongo.current.url, dbName: mongo.current.dbName, logger });
    Appointments = store.connection.model<Appointment>('Appointment', appointmentSchema);
  });
  afterAll(() => store.close());

  async function checkedIn(): Promise<Types.ObjectId> {
    const _id = keyToObjectId(randomUUID());
    await Appointments.create({ _id, state: 'checked_in' });
    return _id;
  }

  describe('insertOnce', () => {
    it('inserts the first time and returns the stored document on a duplicate _id', async () => {
      const _id = keyToObjectId(`message-${randomUUID()}`);
      const first = await insertOnce(Appointments, {
        _id,
        state: 'checked_in',
        sends: 0,
        appliedKeys: [],
      });
      expect(first.created).toBe(true);
      expect(first.document._id.equals(_id)).toBe(true);

      const second = await insertOnce(Appointments, {
        _id,
        state: 'with_modality',
        sends: 5,
        appliedKeys: [],
      });
      expect(second.created).toBe(false);
      expect(second.document.state).toBe('checked_in');
      expect(await Appointments.countDocuments({ _id })).toBe(1);
    });

    it('lets exactly one of 20 concurrent inserts of one _id create it', async () => {
      const _id = keyToObjectId(randomUUID());
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          insertOnce(Appointments, { _id, state: 'checked_in', sends: i, appliedKeys: [] }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const stored = results.find((r) => r.created)?.document.sends;
      expect(results.every((r) => r.document.sends === stored)).toBe(true);
    });

    it('rethrows failures that are not duplicates (here a validation error)', async () => {
      const Strict = store.connection.model(
        'StrictThing',
        new Schema({ name: { type: String, required: true } }),
      );
      // A schema-inferred model (raw type without _id) is accepted; _id is still required.
      await expect(insertOnce(Strict, { _id: new Types.ObjectId(), name: '' })).rejects.toThrow(
        /name/,
      );
    });
  });

  describe('applyOnce', () => {
    it('applies a change once and records the key (applied)', async () => {
      const id = await checkedIn();
      const result = await applyOnce(Appointments, {
        id,
        key: 'cmd-1',
        when: { state: 'checked_in' },
        update: sendToModality,
      });
      expect(result.outcome).toBe('applied');
      if (result.outcome !== 'applied') return;
      expect(result.document.state).toBe('sent_to_modality');
      expect(result.document.sends).toBe(1);
      expect(result.document.appliedKeys).toEqual(['cmd-1']);
    });

    it('changes nothing when the same key comes again (duplicate), even though the state moved on', async () => {
      const id = await checkedIn();
      const change = {
        id,
        key: 'cmd-2',
        when: { state: 'checked_in' as const },
        update: sendToModality,
      };
      await applyOnce(Appointments, change);
      const again = await applyOnce(Appointments, change);
      expect(again.outcome).toBe('duplicate');
      if (again.outcome !== 'duplicate') return;
      expect(again.document.state).toBe('sent_to_modality');
      expect(again.document.sends).toBe(1);
    });

    it('refuses a new key when the precondition fails (refused)', async () => {
      const id = await checkedIn();
      await applyOnce(Appointments, {
        id,
        key: 'cmd-a',
        when: { state: 'checked_in' },
        update: sendToModality,
      });
      const other = await applyOnce(Appointments, {
        id,
        key: 'cmd-b',
        when: { state: 'checked_in' },
        update: sendToModality,
      });
      expect(other.outcome).toBe('refused');
      if (other.outcome !== 'refused') return;
      expect(other.document.state).toBe('sent_to_modality');
      expect(other.document.appliedKeys).toEqual(['cmd-a']);
    });

    it('says not_found for an unknown _id', async () => {
      const result = await applyOnce(Appointments, {
        id: keyToObjectId(randomUUID()),
        key: 'cmd-x',
        when: { state: 'checked_in' },
        update: sendToModality,
      });
      expect(result).toEqual({ outcome: 'not_found' });
    });

    it('20 concurrent calls with one key: one applied, 19 duplicates, the change took effect once', async () => {
      const id = await checkedIn();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          applyOnce(Appointments, {
            id,
            key: 'cmd-race',
            when: { state: 'checked_in' },
            update: sendToModality,
          }),
        ),
      );
      const outcomes = results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
      const stored = await Appointments.findById(id).lean();
      expect(stored?.sends).toBe(1);
      expect(stored?.appliedKeys).toEqual(['cmd-race']);
    });

    it('20 concurrent calls with different keys and a state precondition: exactly one applied', async () => {
      const id = await checkedIn();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          applyOnce(Appointments, {
            id,
            key: `cmd-${i}`,
            when: { state: 'checked_in' },
            update: sendToModality,
          }),
        ),
      );
      const outcomes = results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'refused')).toHaveLength(19);
      expect((await Appointments.findById(id).lean())?.sends).toBe(1);
    });

    // `sends` doubles as a version: each change expects the count it was decided from.
    const nthSend = (i: number) => ({
      key: `k${i}`,
      when: { sends: i - 1 },
      update: { $inc: { sends: 1 } },
      keepKeys: 3,
    });

    it('keeps only the latest keepKeys keys, so documents do not grow without bound', async () => {
      const id = await checkedIn();
      for (let i = 1; i <= 5; i++) {
        expect((await applyOnce(Appointments, { id, ...nthSend(i) })).outcome).toBe('applied');
      }
      const stored = await Appointments.findById(id).lean();
      expect(stored?.appliedKeys).toEqual(['k3', 'k4', 'k5']);
      expect(stored?.sends).toBe(5);
    });

    it('a redelivered key the document has forgotten is refused by the precondition, not applied twice', async () => {
      const id = await checkedIn();
      for (let i = 1; i <= 5; i++) await applyOnce(Appointments, { id, ...nthSend(i) });

      const recent = await applyOnce(Appointments, { id, ...nthSend(4) });
      expect(recent.outcome).toBe('duplicate');
      const forgotten = await applyOnce(Appointments, { id, ...nthSend(1) });
      expect(forgotten.outcome).toBe('refused');

      const stored = await Appointments.findById(id).lean();
      expect(stored?.sends).toBe(5);
      expect(stored?.appliedKeys).toEqual(['k3', 'k4', 'k5']);
    });

    it('refuses a call without a precondition, saying why, before touching the document', async () => {
      const id = await checkedIn();
      const withoutWhen = { id, key: 'cmd-unguarded', update: sendToModality };
      // @ts-expect-error -- `when` is required by the type; this proves the run-time check too.
      await expect(applyOnce(Appointments, withoutWhen)).rejects.toThrow(
        expect.objectContaining({
          name: 'TypeError',
          message: expect.stringMatching(/precondition `when`.*applied a second time/),
        }),
      );
      await expect(applyOnce(Appointments, { ...withoutWhen, when: {} })).rejects.toThrow(
        TypeError,
      );
      await expect(
        // @ts-expect-error -- null is not a precondition either.
        applyOnce(Appointments, { ...withoutWhen, when: null }),
      ).rejects.toThrow(/precondition/);

      const stored = await Appointments.findById(id).lean();
      expect(stored?.state).toBe('checked_in');
      expect(stored?.sends).toBe(0);
      expect(stored?.appliedKeys).toEqual([]);
    });

    it('keeps other $push fields of the update', async () => {
      const Log = store.connection.model(
        'AuditLog',
        new Schema({ entries: [String], appliedKeys: appliedKeysDefinition }),
      );
      const { _id } = await Log.create({ entries: [] });
      const result = await applyOnce(Log, {
        id: _id,
        key: 'e1',
        when: { entries: { $size: 0 } },
        update: { $push: { entries: 'hello' } },
      });
      expect(result.outcome).toBe('applied');
      const stored = await Log.findById(_id).lean();
      expect(stored?.entries).toEqual(['hello']);
      expect(stored?.appliedKeys).toEqual(['e1']);
    });

    it('refuses to run on a schema without appliedKeys (strict mode would drop the key)', async () => {
      const Bare = store.connection.model('Bare', new Schema({ state: String }));
      await expect(
        applyOnce(Bare, {
          id: new Types.ObjectId(),
          key: 'k',
          when: { state: 'y' },
          update: { $set: { state: 'x' } },
        }),
      ).rejects.toEqual(expect.any(PermanentError));
      await expect(
        applyOnce(Appointments, {
          id: new Types.ObjectId(),
          key: '',
          when: { state: 'checked_in' },
          update: sendToModality,
        }),
      ).rejects.toThrow('non-empty');
    });
  });
});

describe('duplicate key errors and keys as ObjectIds', () => {
  it('recognises E11000 from single and bulk writes, and whether it is about _id', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ code: 1, writeErrors: [{ code: 11000 }] })).toBe(true);
    expect(isDuplicateKeyError(new Error('E11000'))).toBe(false);
    expect(isDuplicateKeyError(undefined)).toBe(false);
    expect(isDuplicateIdError({ code: 11000, keyPattern: { _id: 1 } })).toBe(true);
    expect(isDuplicateIdError({ code: 11000, keyPattern: { email: 1 } })).toBe(false);
  });

  it('turns an idempotency key into the same ObjectId every time', () => {
    const key = 'b7a2f3c4-9e1d-4f6a-8b2c-1d2e3f4a5b6c';
    expect(keyToObjectId(key).equals(keyToObjectId(key))).toBe(true);
    expect(keyToObjectId(key).equals(keyToObjectId(`${key}x`))).toBe(false);
    expect(keyToObjectId(key).toHexString()).toMatch(/^[0-9a-f]{24}$/);
  });
});
