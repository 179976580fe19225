/**
 * Clinics run on UK local time, for every part that shows or schedules them (appointment, web). These helpers turn a calendar date and a wall-clock time in
 * London into an instant, and an instant into London's calendar date, without a time-zone
 * library: Intl knows the UK's daylight-saving rules.
 */
const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsOf(instant: Date): Record<string, string> {
  return Object.fromEntries(londonParts.formatToParts(instant).map((p) => [p.type, p.value]));
}

/** The calendar date (YYYY-MM-DD) in London at an instant. */
export function londonDate(instant: Date): string {
  const p = partsOf(instant);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The instant at which London's clocks show `time` (HH:MM) on `date` (YYYY-MM-DD). */
export function londonInstant(date: string, time: string): Date {
  const asUtc = new Date(`${date}T${time}:00.000Z`);
  const p = partsOf(asUtc);
  const shownAsUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
  );
  // London is ahead of UTC by (shown - actual); take that offset off the wall-clock reading.
  return new Date(asUtc.getTime() - (shownAsUtc - asUtc.getTime()));
}

/** The calendar date `days` after `date` (both YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** London's wall-clock time (HH:MM, 24-hour) at an instant, as clinic staff read it. */
export function londonTime(instant: Date): string {
  const p = partsOf(instant);
  return `${p.hour}:${p.minute}`;
}
