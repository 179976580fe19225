import { REASON_MAX_LENGTH, Reason, ReasonAllowingEmpty, fitReason } from './reason';

describe('reasons', () => {
  it('are 1 to 2,000 characters; where an empty one was always accepted, it still is', () => {
    expect(REASON_MAX_LENGTH).toBe(2000);
    expect(Reason.safeParse('x'.repeat(2000)).success).toBe(true);
    expect(Reason.safeParse('x'.repeat(2001)).success).toBe(false);
    expect(Reason.safeParse('').success).toBe(false);
    expect(ReasonAllowingEmpty.safeParse('').success).toBe(true);
    expect(ReasonAllowingEmpty.safeParse('x'.repeat(2001)).success).toBe(false);
  });
});

describe('fitReason', () => {
  it('leaves a reason that fits as it is', () => {
    expect(fitReason('')).toBe('');
    expect(fitReason('refused')).toBe('refused');
    const exact = 'x'.repeat(2000);
    expect(fitReason(exact)).toBe(exact);
  });

  it('cuts a longer one to exactly the limit, ending with …', () => {
    const fitted = fitReason(`${'a'.repeat(1999)}bc`);
    expect(fitted).toHaveLength(2000);
    expect(fitted).toBe(`${'a'.repeat(1999)}…`);
    expect(Reason.safeParse(fitReason('x'.repeat(100_000))).success).toBe(true);
  });

  it('never cuts a character in half (a surrogate pair stays whole or goes)', () => {
    // '😀' is two UTF-16 code units; here it straddles the cut at 1,999.
    const fitted = fitReason(`${'a'.repeat(1998)}😀${'b'.repeat(10)}`);
    expect(fitted).toBe(`${'a'.repeat(1998)}…`);
    // Just before the cut, it is kept whole.
    expect(fitReason(`${'a'.repeat(1997)}😀${'b'.repeat(10)}`)).toBe(`${'a'.repeat(1997)}😀…`);
  });
});
