import { z } from 'zod';

/**
 * The longest a reason (why a message failed, why a command was refused, what a gateway or the
 * modality said) may be. Long enough for any explanation a person reads; short enough that a
 * reason quoting a runaway error or a hospital's whole answer cannot bloat events, histories and
 * pages.
 */
export const REASON_MAX_LENGTH = 2000;

/** Why something happened, in words a person reads: 1 to REASON_MAX_LENGTH characters. */
export const Reason = z.string().min(1).max(REASON_MAX_LENGTH);
export type Reason = z.infer<typeof Reason>;

/**
 * A reason where an empty one has always been accepted: the relay frames between dispatcher and
 * gateways (gateways already deployed, and events waiting in their outboxes, may carry `''`),
 * a modality event's detail, the hospital sink's rejection body. Refusing `''` there now would
 * refuse data that is valid today, so only the length is held to the limit.
 */
export const ReasonAllowingEmpty = z.string().max(REASON_MAX_LENGTH);

/** The character that marks where a reason was cut. */
const CUT_MARK = '…';

/**
 * `text` as a reason that fits REASON_MAX_LENGTH: unchanged when it fits, otherwise cut and ended
 * with `…` so that the whole, mark included, is exactly the limit (one less when the cut would
 * split a character outside the Basic Multilingual Plane: half of a surrogate pair is not text).
 * Length is counted as zod counts it, in UTF-16 code units.
 */
export function fitReason(text: string): string {
  if (text.length <= REASON_MAX_LENGTH) return text;
  let end = REASON_MAX_LENGTH - CUT_MARK.length;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}${CUT_MARK}`;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
