import mongoose from 'mongoose';
import { ParticipantSnapshot } from '@mbs/contracts';
import { validationProblems as problems } from '@mbs/testing';
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

describe('stored participants (checked with the contract’s ParticipantSnapshot)', () => {
  const participant = {
    participantId: 'participant-1',
    nhsNumber: '9434765919',
    givenName: 'Jane',
    familyName: 'Smith',
    dateOfBirth: '1970-01-31',
    sex: 'female',
  };

  it('accepts a participant the contract accepts', async () => {
    expect(await problems(new models.Participant(participant))).toEqual({});
    expect(ParticipantSnapshot.safeParse(participant).success).toBe(true);
  });

  it.each([
    ['a wrong check digit', { nhsNumber: '9434765918' }, 'nhsNumber'],
    ['nine digits', { nhsNumber: '943476591' }, 'nhsNumber'],
    ['ten identical digits', { nhsNumber: '1111111111' }, 'nhsNumber'],
    [
      'a date of birth that is not a day (30 February)',
      { dateOfBirth: '1970-02-30' },
      'dateOfBirth',
    ],
    ['a date of birth with a time', { dateOfBirth: '1970-01-31T00:00:00Z' }, 'dateOfBirth'],
    ['a 150-character given name', { givenName: 'J'.repeat(150) }, 'givenName'],
    ['a 101-character family name', { familyName: 'S'.repeat(101) }, 'familyName'],
    ['an unknown sex', { sex: 'woman' }, 'sex'],
    ['a participant id with a space', { participantId: 'participant 1' }, 'participantId'],
  ])('refuses %s, in the contract’s words', async (_, change, path) => {
    const candidate = { ...participant, ...change };
    const contract = ParticipantSnapshot.safeParse(candidate);
    expect(contract.success).toBe(false);
    const firstIssue = contract.error!.issues.find((issue) => issue.path[0] === path)!;
    expect(await problems(new models.Participant(candidate))).toEqual({
      [path]: firstIssue.message,
    });
  });

  it('stores an NHS number typed with spaces as the contract reads it: ten digits', () => {
    const typed = new models.Participant({ ...participant, nhsNumber: ' 943 476 5919 ' });
    expect(typed.nhsNumber).toBe('9434765919');
  });

  it('names the NHS number rule staff and admins read', async () => {
    expect(
      await problems(new models.Participant({ ...participant, nhsNumber: '9434765918' })),
    ).toEqual({ nhsNumber: 'is not a valid NHS number (ten digits with a correct check digit)' });
  });

  it('still requires every field', async () => {
    expect(
      Object.keys(
        await problems(new models.Participant({ participantId: 'participant-1' })),
      ).sort(),
    ).toEqual(['dateOfBirth', 'familyName', 'givenName', 'nhsNumber', 'sex']);
  });
});
