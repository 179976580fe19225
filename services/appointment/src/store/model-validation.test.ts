import mongoose from 'mongoose';
import { createModels } from './models';

// Validation runs before anything is written, so an unopened connection is enough.
const models = createModels(mongoose.createConnection());

const setting = {
  settingId: 'setting-leeds',
  name: "Leeds St James's Breast Screening Unit",
  kind: 'static',
  address: "St James's University Hospital, Beckett Street, Leeds LS9 7TF",
  odsCode: 'RR8',
};

const appointment = {
  appointmentId: 'apt-1',
  clinicId: 'clinic-1',
  settingId: 'setting-leeds',
  participantId: 'participant-1',
  startsAt: new Date('2026-11-26T09:30:00.000Z'),
  endsAt: new Date('2026-11-26T09:50:00.000Z'),
  accessionNumber: 'MBS-000001',
  state: 'booked',
};

const problems = async (document: mongoose.Document) => {
  const error = await document.validate().then(
    () => undefined,
    (e: mongoose.Error.ValidationError) => e,
  );
  return Object.fromEntries(
    Object.entries(error?.errors ?? {}).map(([path, e]) => [path, e.message]),
  );
};

describe('stored settings and appointments', () => {
  it('accepts a setting with an ODS code and an appointment whose slot ends after it starts', async () => {
    expect(await problems(new models.Setting(setting))).toEqual({});
    expect(await problems(new models.Appointment(appointment))).toEqual({});
  });

  it.each([
    [{ odsCode: undefined }, 'Path `odsCode` is required.'],
    [{ odsCode: 'rr8' }, 'is not an ODS code (3 to 10 upper-case letters and digits)'],
    [{ odsCode: 'R8' }, 'is not an ODS code (3 to 10 upper-case letters and digits)'],
    [{ odsCode: 'RR8 ' }, 'is not an ODS code (3 to 10 upper-case letters and digits)'],
  ])('refuses a setting with %p', async (change, problem) => {
    expect(await problems(new models.Setting({ ...setting, ...change }))).toEqual({
      odsCode: problem,
    });
  });

  it('refuses an appointment without the end of its slot', async () => {
    expect(await problems(new models.Appointment({ ...appointment, endsAt: undefined }))).toEqual({
      endsAt: 'Path `endsAt` is required.',
    });
  });

  it.each([
    ['ends when it starts', '2026-11-26T09:30:00.000Z'],
    ['ends before it starts', '2026-11-26T09:10:00.000Z'],
  ])('refuses an appointment whose slot %s', async (_, endsAt) => {
    expect(
      await problems(new models.Appointment({ ...appointment, endsAt: new Date(endsAt) })),
    ).toEqual({ endsAt: 'must be after startsAt' });
  });
});
