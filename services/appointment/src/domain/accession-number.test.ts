import { AccessionNumber } from '@mbs/contracts';
import { accessionNumberFor } from './accession-number';

describe('accession number', () => {
  it('is the same for the same appointment every time', () => {
    expect(accessionNumberFor('apt-leeds-1')).toBe(accessionNumberFor('apt-leeds-1'));
  });

  it('differs between appointments', () => {
    const numbers = new Set(Array.from({ length: 2000 }, (_, i) => accessionNumberFor(`apt-${i}`)));
    expect(numbers.size).toBe(2000);
  });

  it('fits DICOM SH: 16 characters, letters and digits, valid under the contract', () => {
    for (const id of ['a', 'apt-1', 'x'.repeat(128), 'clinic-leeds-2026-11-26-am-08']) {
      const accession = accessionNumberFor(id);
      expect(accession).toMatch(/^MBS[A-Z2-7]{13}$/);
      expect(AccessionNumber.safeParse(accession).success).toBe(true);
    }
  });

  it('is a known value for a known id (the hash does not drift between releases)', () => {
    // 'MBS' + the first 13 RFC 4648 base32 characters of sha256("apt-1"), checked with Python's
    // base64.b32encode; pinned so a change of algorithm is noticed.
    expect(accessionNumberFor('apt-1')).toMatchInlineSnapshot(`"MBSAE2LO6VVXNUBH"`);
  });

  it('refuses an empty id', () => {
    expect(() => accessionNumberFor('')).toThrow(TypeError);
  });
});
