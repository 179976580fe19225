import { addDays, londonDate, londonInstant } from './london-time';

describe('London clinic time', () => {
  it('is UTC in winter and UTC+1 in summer', () => {
    expect(londonInstant('2026-11-26', '09:00').toISOString()).toBe('2026-11-26T09:00:00.000Z');
    expect(londonInstant('2026-07-01', '09:00').toISOString()).toBe('2026-07-01T08:00:00.000Z');
  });

  it("gives London's date, which differs from UTC's just after midnight in summer", () => {
    expect(londonDate(new Date('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(londonDate(new Date('2026-11-26T23:30:00Z'))).toBe('2026-11-26');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
  });
});
