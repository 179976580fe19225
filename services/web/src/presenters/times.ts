import { londonTime } from '@mbs/contracts';

const dayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const shortDayFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/**
 * A time as the NHS style guide writes it, in London: `9am`, `9:20am`, `12pm`, `1:30pm`,
 * `midnight` (never `12am`).
 */
export function formatTime(instant: string | Date): string {
  const [hours, minutes] = londonTime(new Date(instant)).split(':').map(Number) as [number, number];
  if (hours === 0 && minutes === 0) return 'midnight';
  const suffix = hours < 12 ? 'am' : 'pm';
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  return `${hour12}${minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`}${suffix}`;
}

/** `Friday 4 December 2026` (London; the NHS style has no comma after the day). */
export function formatDay(instantOrDate: string | Date): string {
  return dayFormat.format(toInstant(instantOrDate)).replace(',', '');
}

/** `4 December 2026`, for dates of birth. */
export function formatDate(instantOrDate: string | Date): string {
  return shortDayFormat.format(toInstant(instantOrDate));
}

/** `9:20am on 4 December 2026`, for history entries. */
export function formatMoment(instant: string | Date): string {
  return `${formatTime(instant)} on ${formatDate(instant)}`;
}

/** A calendar date (YYYY-MM-DD) is taken at midday UTC, so it is that day in London too. */
function toInstant(value: string | Date): Date {
  if (value instanceof Date) return value;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
}
