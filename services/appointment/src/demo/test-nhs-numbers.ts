import { isValidNhsNumber } from '@mbs/contracts';

/**
 * NHS numbers for demo and test data: `999` numbers are never issued to real people (the range
 * NHS England reserves for testing), each with its correct modulus 11 check digit, so they pass
 * the same validation as real ones without ever naming anyone.
 */
export function checkDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) throw new TypeError('checkDigit needs nine digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined; // no valid number starts with these nine digits
  return check === 11 ? 0 : check;
}

/** `count` distinct valid test NHS numbers, the same every time for the same `start`. */
export function testNhsNumbers(count: number, start = 0): string[] {
  const numbers: string[] = [];
  // Stepping by a prime spreads the numbers out so they do not look sequential in the UI.
  for (let serial = start; numbers.length < count; serial++) {
    const firstNine = `999${String((serial * 7919 + 104_729) % 1_000_000).padStart(6, '0')}`;
    const check = checkDigit(firstNine);
    // 9999999999 has a correct check digit but is refused as a placeholder: skip it too.
    if (check !== undefined && isValidNhsNumber(`${firstNine}${check}`))
      numbers.push(`${firstNine}${check}`);
  }
  return numbers;
}
