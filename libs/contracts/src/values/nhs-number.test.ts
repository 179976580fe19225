import { NhsNumber, isValidNhsNumber } from './nhs-number';

describe('NHS number', () => {
  it.each(['9434765919', '4010232137', '9990000018'])('accepts %s (correct check digit)', (n) => {
    expect(isValidNhsNumber(n)).toBe(true);
  });

  it('refuses a wrong check digit', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
  });

  it('refuses numbers whose check digit would be 10 (never issued)', () => {
    // 000000006x: 6 * 2 = 12, 12 % 11 = 1, 11 - 1 = 10.
    for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(`000000006${d}`)).toBe(false);
  });

  it('treats a remainder of 0 as check digit 0', () => {
    // 000000143x: 1*4 + 4*3 + 3*2 = 22, 22 % 11 = 0 -> 11 -> 0.
    expect(isValidNhsNumber('0000001430')).toBe(true);
    expect(isValidNhsNumber('0000001431')).toBe(false);
  });

  it.each(['0000000000', '1111111111', '9999999999'])(
    'refuses %s: ten identical digits are a placeholder, never issued',
    (n) => expect(isValidNhsNumber(n)).toBe(false),
  );

  it.each(['943476591', '94347659190', '943476591a', ''])('refuses %p (not ten digits)', (n) => {
    expect(isValidNhsNumber(n)).toBe(false);
  });

  it('removes the spaces people type, then checks', () => {
    expect(NhsNumber.parse('943 476 5919')).toBe('9434765919');
    expect(NhsNumber.safeParse('943 476 5918').success).toBe(false);
  });
});
