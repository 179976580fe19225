import { connectStore, type Store } from '@mbs/store';
import { useMongoDb } from '@mbs/testing';
import { quietLogger } from '../../test/support';
import { createModels, type Models } from '../store/models';
import { seedDemoData, seedWhenEmpty } from './seed-demo-data';

describe('seeding demo data (MongoDB from @mbs/testing)', () => {
  const mongo = useMongoDb({ dbPrefix: 'appointment_seed' });
  let store: Store;
  let models: Models;

  beforeAll(async () => {
    store = await connectStore({
      url: mongo.current.url,
      dbName: mongo.current.dbName,
      logger: quietLogger(),
    });
    models = createModels(store.connection);
  });
  afterAll(() => store?.close());

  it('loads an empty database, then never again; an explicit seed only adds what is missing', async () => {
    const first = await seedWhenEmpty(models, '2026-11-26', quietLogger());
    expect(first).toEqual({ settings: 3, participants: 192, clinics: 24, appointments: 192 });
    expect(await seedWhenEmpty(models, '2026-11-26', quietLogger())).toBeUndefined();

    expect(await seedDemoData(models, '2026-11-26')).toEqual({
      settings: 0,
      participants: 0,
      clinics: 0,
      appointments: 0,
    });
    // The next day: today's clinics exist already, one new day of clinics is added.
    expect(await seedDemoData(models, '2026-11-27')).toEqual({
      settings: 0,
      participants: 48,
      clinics: 6,
      appointments: 48,
    });
    expect(await models.Appointment.countDocuments()).toBe(240);
  });

  it('refuses to store a participant whose NHS number fails the check digit', async () => {
    await expect(
      models.Participant.create({
        _id: undefined,
        participantId: 'participant-bad',
        nhsNumber: '9434765918',
        givenName: 'Jane',
        familyName: 'Smith',
        dateOfBirth: '1970-01-31',
        sex: 'female',
      }),
    ).rejects.toThrow(/nhsNumber: is not a valid NHS number/);
  });
});
