import { decideDeliver, type MessageStatus, type RecordedDeliver } from './deliver-decision';

const recorded = (
  status: MessageStatus,
  resend = 0,
  reason: string | undefined = undefined,
): RecordedDeliver => ({ status, resend, reason });

describe('decideDeliver', () => {
  it('takes an id it has never seen, whatever the resend count', () => {
    expect(decideDeliver(undefined, {})).toEqual({ kind: 'take' });
    expect(decideDeliver(undefined, { resend: 3 })).toEqual({ kind: 'take' });
  });

  it('takes an unavailable message again at any count, keeping the higher one', () => {
    const unavailable = recorded('unavailable', 2, 'deliver_http: gave up');
    expect(decideDeliver(unavailable, { resend: 1 })).toEqual({ kind: 'take-again', resend: 2 });
    expect(decideDeliver(unavailable, { resend: 2 })).toEqual({ kind: 'take-again', resend: 2 });
    expect(decideDeliver(unavailable, { resend: 4 })).toEqual({ kind: 'take-again', resend: 4 });
    expect(decideDeliver(recorded('unavailable'), {})).toEqual({ kind: 'take-again', resend: 0 });
  });

  it('takes a rejected message again only for a higher resend count', () => {
    const rejected = recorded('rejected', 1, 'answered 422');
    expect(decideDeliver(rejected, { resend: 2 })).toEqual({ kind: 'take-again', resend: 2 });
    expect(decideDeliver(recorded('rejected'), { resend: 1 })).toEqual({
      kind: 'take-again',
      resend: 1,
    });
  });

  it('reports the rejection again for a retry, a duplicate or a stale deliver', () => {
    const rejected = recorded('rejected', 1, 'answered 422');
    const report = { kind: 'report-outcome', outcome: 'rejected', reason: 'answered 422' };
    expect(decideDeliver(rejected, { resend: 1 })).toEqual(report);
    expect(decideDeliver(rejected, { resend: 0 })).toEqual(report);
    expect(decideDeliver(rejected, {})).toEqual(report);
    expect(decideDeliver(recorded('rejected'), {})).toEqual({ ...report, reason: undefined });
  });

  it('reports a confirmation again and never takes it again, whatever the count', () => {
    for (const resend of [undefined, 0, 1, 7]) {
      expect(decideDeliver(recorded('confirmed', 1), { resend })).toEqual({
        kind: 'report-outcome',
        outcome: 'confirmed',
        reason: undefined,
      });
    }
  });

  it('leaves a message still being delivered to its delivery, raising the count it records', () => {
    const received = recorded('received', 2);
    expect(decideDeliver(received, { resend: 3 })).toEqual({
      kind: 'still-delivering',
      raiseResendTo: 3,
      reason: undefined,
    });
    for (const resend of [undefined, 0, 2]) {
      expect(decideDeliver(received, { resend })).toEqual({
        kind: 'still-delivering',
        raiseResendTo: undefined,
        reason: undefined,
      });
    }
  });

  it('passes on a reason recorded with a message still being delivered', () => {
    expect(decideDeliver(recorded('received', 0, 'x'), {})).toMatchObject({ reason: 'x' });
  });

  it('refuses a known id carrying another order, whatever its status or count, before anything else', () => {
    for (const status of ['received', 'confirmed', 'rejected', 'unavailable'] as const) {
      const first = { ...recorded(status, 1), orderHash: 'hash-of-the-first-order' };
      for (const resend of [undefined, 0, 1, 2]) {
        expect(decideDeliver(first, { resend, orderHash: 'hash-of-another-order' })).toEqual({
          kind: 'refuse-different-content',
        });
      }
      // The same order is the same message: the other rows decide.
      expect(
        decideDeliver(first, { resend: 1, orderHash: 'hash-of-the-first-order' }).kind,
      ).not.toBe('refuse-different-content');
    }
  });

  it('does not compare orders of a message recorded before hashes were kept', () => {
    expect(decideDeliver(recorded('confirmed'), { orderHash: 'any' })).toMatchObject({
      kind: 'report-outcome',
    });
  });
});
