import { ageOn, formatNhsNumber, fullName } from './people';
import { appointmentTag, clinicTag, sessionLabel } from './states';
import { historyRows } from './timeline';
import { formatDay, formatMoment, formatTime } from './times';

describe('presenting people', () => {
  it('spaces an NHS number 3-3-4 and leaves anything else as it is', () => {
    expect(formatNhsNumber('9991234567')).toBe('999 123 4567');
    expect(formatNhsNumber('999 123 4567')).toBe('999 123 4567');
    expect(formatNhsNumber('12345')).toBe('12345');
  });

  it('counts whole years, a birthday counting from its own day', () => {
    expect(ageOn('1970-12-04', '2026-12-04')).toBe(56);
    expect(ageOn('1970-12-05', '2026-12-04')).toBe(55);
    expect(ageOn('1970-11-30', '2026-12-04')).toBe(56);
    expect(ageOn('1972-02-29', '2026-02-28')).toBe(53);
  });

  it('names people given name first', () => {
    expect(fullName({ givenName: 'Janet', familyName: 'Thompson' })).toBe('Janet Thompson');
  });
});

describe('presenting times (London, NHS style)', () => {
  it('writes times as 9am, 9:20am, 12pm, 1:30pm and midnight, in London time', () => {
    expect(formatTime('2026-12-04T09:00:00Z')).toBe('9am');
    expect(formatTime('2026-12-04T09:20:00Z')).toBe('9:20am');
    expect(formatTime('2026-12-04T12:00:00Z')).toBe('12pm');
    expect(formatTime('2026-12-04T13:30:00Z')).toBe('1:30pm');
    expect(formatTime('2026-12-04T00:00:00Z')).toBe('midnight');
    // British Summer Time: 08:00 UTC is 9am in London.
    expect(formatTime('2026-07-01T08:00:00Z')).toBe('9am');
  });

  it('writes days in full and moments as time on date', () => {
    expect(formatDay('2026-12-04')).toBe('Friday 4 December 2026');
    expect(formatDay('2026-07-01T23:30:00Z')).toBe('Thursday 2 July 2026');
    expect(formatMoment('2026-12-04T09:20:00Z')).toBe('9:20am on 4 December 2026');
  });
});

describe('presenting states', () => {
  it('gives every appointment state its label and a colour of its own', () => {
    expect(appointmentTag('with_modality')).toEqual({ text: 'With modality', colour: 'purple' });
    const colours = (
      [
        'booked',
        'checked_in',
        'sent_to_modality',
        'with_modality',
        'screened',
        'cancelled',
        'did_not_attend',
      ] as const
    ).map((state) => appointmentTag(state).colour);
    expect(new Set(colours).size).toBe(colours.length);
  });

  it('labels clinic statuses and sessions', () => {
    expect(clinicTag('in_progress')).toEqual({ text: 'In progress', colour: 'blue' });
    expect(sessionLabel('morning')).toBe('Morning');
    expect(sessionLabel('evening')).toBe('Evening');
  });
});

describe('presenting history', () => {
  it('says how often a fact that changed nothing came again, instead of listing each', () => {
    const [row] = historyRows([
      {
        from: 'with_modality',
        to: 'with_modality',
        at: '2026-12-04T09:40:00.000Z',
        reason: 'Examination started at 2026-12-04T09:40:00.000Z (gateway gateway-leeds)',
        causedBy: 'modality:gateway-leeds:mpps-1',
        cause: 'modality.event-reported',
        repeats: 24,
        lastRepeatAt: '2026-12-04T09:45:00.000Z',
      },
    ]);
    expect(row).toMatchObject({
      change: 'With modality (no change)',
      by: 'Reported by the modality',
      why: expect.stringContaining('(Reported 24 more times, last at 9:45am on 4 December 2026)'),
    });
  });
});
