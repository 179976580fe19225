import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The accession number of an appointment: `MBS` and 13 base32 characters of the SHA-256 of its
 * id (65 bits). Deterministic, so every re-emitted event and every resend carries the same number
 * and the hospital's images stay tied to one order; 16 characters, letters and digits only, as
 * DICOM SH requires.
 */
export function accessionNumberFor(appointmentId: string): string {
  if (!appointmentId) throw new TypeError('accessionNumberFor needs an appointment id');
  const digest = createHash('sha256').update(appointmentId, 'utf8').digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 13) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === 13) break;
  }
  return `MBS${out}`;
}
