import type { ParticipantSnapshot } from '@mbs/contracts';

/** An NHS number as people read and say it: `999 123 4567`. */
export function formatNhsNumber(nhsNumber: string): string {
  const digits = nhsNumber.replace(/\s+/g, '');
  return /^\d{10}$/.test(digits)
    ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`
    : nhsNumber;
}

/** Whole years from a date of birth to a day (both YYYY-MM-DD): the age staff see. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const hadBirthday = tm > bm || (tm === bm && td >= bd);
  return ty - by - (hadBirthday ? 0 : 1);
}

export function fullName(
  participant: Pick<ParticipantSnapshot, 'givenName' | 'familyName'>,
): string {
  return `${participant.givenName} ${participant.familyName}`;
}

const sexLabels: Record<ParticipantSnapshot['sex'], string> = {
  female: 'Female',
  male: 'Male',
  other: 'Other',
  unknown: 'Not known',
};

export const sexLabel = (sex: ParticipantSnapshot['sex']) => sexLabels[sex];
