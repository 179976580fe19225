/** Seconds since the epoch, as JWT's NumericDate (RFC 7519) counts time. */
export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/** A lifetime or tolerance in whole seconds, or a RangeError naming the option. */
export function wholeSeconds(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of seconds, at least 0`);
  }
  return value;
}
