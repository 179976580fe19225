import { AccessionNumber, OdsCode, ParticipantSnapshot } from '@mbs/contracts';
import { APPOINTMENTS_PER_CLINIC, CLINIC_DAYS, SLOT_MINUTES, demoData } from './demo-data';

describe('demo data', () => {
  const data = demoData('2026-11-26');

  it('has the three settings fhir-builder seeds destinations for, with these exact ids', () => {
    expect(data.settings.map((s) => [s.settingId, s.name])).toEqual([
      ['setting-leeds', "Leeds St James's Breast Screening Unit"],
      ['setting-york', 'York Breast Screening Unit'],
      ['setting-harrogate', 'Harrogate Mobile Unit'],
    ]);
  });

  it("names each setting's trust by its ODS code", () => {
    expect(data.settings.map((s) => [s.settingId, s.odsCode])).toEqual([
      ['setting-leeds', 'RR8'],
      ['setting-york', 'RCB'],
      ['setting-harrogate', 'RCD'],
    ]);
    for (const setting of data.settings)
      expect(OdsCode.safeParse(setting.odsCode).success).toBe(true);
  });

  it('gives every appointment a slot of SLOT_MINUTES inside its clinic, one after another', () => {
    for (const clinic of data.clinics) {
      const slots = data.appointments.filter((a) => a.clinicId === clinic.clinicId);
      for (const [i, a] of slots.entries()) {
        expect(a.endsAt.getTime() - a.startsAt.getTime()).toBe(SLOT_MINUTES * 60_000);
        expect(a.startsAt.getTime()).toBe(clinic.startsAt.getTime() + i * SLOT_MINUTES * 60_000);
        expect(a.endsAt.getTime()).toBeLessThanOrEqual(clinic.endsAt.getTime());
      }
    }
  });

  it('has a morning and an afternoon clinic per setting today and on the next three days', () => {
    expect(CLINIC_DAYS).toBe(4);
    expect([...new Set(data.clinics.map((c) => c.date))]).toEqual([
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
    expect(data.clinics).toHaveLength(3 * 4 * 2);
    for (const clinic of data.clinics) {
      const appointments = data.appointments.filter((a) => a.clinicId === clinic.clinicId);
      expect(appointments).toHaveLength(APPOINTMENTS_PER_CLINIC);
    }
  });

  it('gives every participant a valid test NHS number and a valid snapshot', () => {
    expect(new Set(data.participants.map((p) => p.nhsNumber)).size).toBe(data.participants.length);
    for (const { _id: _, ...participant } of data.participants) {
      expect(participant.nhsNumber).toMatch(/^999/);
      expect(ParticipantSnapshot.safeParse(participant).success).toBe(true);
    }
  });

  it('mixes states: mostly booked, and some checked in today so one can be sent at once', () => {
    const todays = data.appointments.filter((a) => a.clinicId.includes('2026-11-26'));
    const count = (state: string, list = data.appointments) =>
      list.filter((a) => a.state === state).length;
    expect(count('checked_in', todays)).toBeGreaterThanOrEqual(6);
    expect(count('booked')).toBeGreaterThan(data.appointments.length / 2);
    expect(count('screened', todays)).toBeGreaterThan(0);
    expect(count('cancelled')).toBeGreaterThan(0);
  });

  it('gives seeded appointments a history that ends in their state, and a valid accession number', () => {
    for (const a of data.appointments) {
      expect(AccessionNumber.safeParse(a.accessionNumber).success).toBe(true);
      const last = a.history.at(-1);
      expect(last ? last.to : 'booked').toBe(a.state);
    }
  });

  it('is the same for the same day (so seeding twice adds nothing)', () => {
    expect(demoData('2026-11-26')).toEqual(data);
  });
});
