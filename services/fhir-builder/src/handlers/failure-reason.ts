/** The longest reason *message failed* carries (its contract allows 2000 characters). */
const REASON_LIMIT = 2000;

/** A failure's reason cut to fit the contract, marked with an ellipsis where it was cut. */
export function limitReason(reason: string): string {
  return reason.length > REASON_LIMIT ? `${reason.slice(0, REASON_LIMIT - 1)}…` : reason;
}
