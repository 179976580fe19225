import { z } from 'zod';

/**
 * Identifiers of commands, events, messages, appointments and gateways.
 * Strings rather than UUIDs only: some are derived deterministically (a message id is a hash of
 * what it carries), and all of them become MongoDB `_id`s, AMQP message ids and relay frame ids.
 */
export const Id = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  // `*`, not `+`: an empty id is named once, by min(1), not twice.
  .regex(/^[A-Za-z0-9._:-]*$/, 'may contain only letters, digits and . _ : -');
export type Id = z.infer<typeof Id>;

/** An instant, as ISO 8601 with an explicit offset (`2026-11-26T09:30:00.000Z`). */
export const Instant = z.iso.datetime({ offset: true });
export type Instant = z.infer<typeof Instant>;

/** A calendar date without a time zone (`1970-01-31`), as dates of birth are. */
export const CalendarDate = z.iso.date();
export type CalendarDate = z.infer<typeof CalendarDate>;

/** Who asked for something: the member of staff, as the web service authenticated them. */
export const Actor = z.object({
  userId: Id,
  name: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof Actor>;
