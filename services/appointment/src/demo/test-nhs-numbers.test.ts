import { NhsNumber, isValidNhsNumber } from '@mbs/contracts';
import { checkDigit, testNhsNumbers } from './test-nhs-numbers';

describe('test NHS numbers', () => {
  it('computes the modulus 11 check digit of known numbers', () => {
    // 943 476 5919 is the NHS's own published example.
    expect(checkDigit('943476591')).toBe(9);
    expect(checkDigit('401023213')).toBe(7);
    // A remainder of 0 gives 11, written as 0.
    expect(checkDigit('000000000')).toBe(0);
  });

  it('says when no check digit exists (the result would be 10)', () => {
    expect(checkDigit('000000006')).toBeUndefined();
  });

  it('gives distinct 999 numbers that all pass validation', () => {
    const numbers = testNhsNumbers(500);
    expect(new Set(numbers).size).toBe(500);
    for (const n of numbers) {
      expect(n).toMatch(/^999\d{7}$/);
      expect(isValidNhsNumber(n)).toBe(true);
      expect(NhsNumber.safeParse(n).success).toBe(true);
    }
  });

  it('the validation refuses each of them with any other last digit', () => {
    for (const n of testNhsNumbers(20)) {
      for (let d = 0; d <= 9; d++) {
        const changed = `${n.slice(0, 9)}${d}`;
        expect(isValidNhsNumber(changed)).toBe(changed === n);
      }
    }
  });

  it('skips 9999999999: its check digit is right, but ten identical digits are a placeholder', () => {
    // Serial 478330 gives 999999999 and check digit 9 (the demo data reaches it in 2033).
    expect(checkDigit('999999999')).toBe(9);
    const numbers = testNhsNumbers(3, 478_329);
    expect(numbers).toHaveLength(3);
    expect(numbers).not.toContain('9999999999');
    for (const n of numbers) expect(isValidNhsNumber(n)).toBe(true);
  });

  it('is deterministic', () => {
    expect(testNhsNumbers(5, 10)).toEqual(testNhsNumbers(5, 10));
  });
});
