import { AppointmentSentToModality, createMessage } from '@mbs/contracts';
import { sentSnapshot, snapshotProblems, type SnapshotSources } from './sent-snapshot';

const ada = { userId: 'u-ada', name: 'Ada Radiographer' };

const sources: SnapshotSources = {
  appointment: {
    appointmentId: 'apt-1',
    clinicId: 'clinic-1',
    settingId: 'setting-leeds',
    startsAt: new Date('2026-11-26T09:30:00.000Z'),
    endsAt: new Date('2026-11-26T09:50:00.000Z'),
    accessionNumber: 'MBS-000001',
  },
  participant: {
    participantId: 'participant-1',
    nhsNumber: '9434765919',
    givenName: 'Jane',
    familyName: 'Smith',
    dateOfBirth: '1970-01-31',
    sex: 'female',
  },
  setting: { name: "Leeds St James's Breast Screening Unit", odsCode: 'RR8' },
  commandId: 'cmd-1',
  sentBy: ada,
};

describe('the sent-to-modality snapshot', () => {
  it('carries the slot from start to end and the setting by name and ODS code, nothing else stored', () => {
    const snapshot = sentSnapshot(sources);
    expect(snapshot).toEqual({
      appointmentId: 'apt-1',
      commandId: 'cmd-1',
      sentBy: ada,
      participant: {
        participantId: 'participant-1',
        nhsNumber: '9434765919',
        givenName: 'Jane',
        familyName: 'Smith',
        dateOfBirth: '1970-01-31',
        sex: 'female',
      },
      appointment: {
        clinicId: 'clinic-1',
        settingId: 'setting-leeds',
        startsAt: '2026-11-26T09:30:00.000Z',
        endsAt: '2026-11-26T09:50:00.000Z',
        accessionNumber: 'MBS-000001',
      },
      setting: { name: "Leeds St James's Breast Screening Unit", odsCode: 'RR8' },
    });
    expect(snapshotProblems(snapshot)).toEqual([]);
    expect(createMessage(AppointmentSentToModality, snapshot).data).toEqual(snapshot);
  });

  it('is the same for the same records (a repeated command re-emits an identical event)', () => {
    expect(sentSnapshot(sources)).toEqual(sentSnapshot(structuredClone(sources)));
  });

  it('names what stored data written before endsAt and odsCode existed lacks', () => {
    const legacy = sentSnapshot({
      ...sources,
      appointment: { ...sources.appointment, endsAt: undefined as unknown as Date },
      setting: { name: sources.setting.name, odsCode: undefined as unknown as string },
    });
    expect(snapshotProblems(legacy)).toEqual([
      'appointment.endsAt: Invalid ISO datetime',
      'setting.odsCode: Invalid input: expected string, received undefined',
    ]);
  });

  it('refuses a slot that does not end after it starts', () => {
    const snapshot = sentSnapshot({
      ...sources,
      appointment: { ...sources.appointment, endsAt: sources.appointment.startsAt },
    });
    expect(snapshotProblems(snapshot)).toEqual(['appointment.endsAt: must be after startsAt']);
  });
});
