import { afterUnsuccessfulAttempt } from './retry-decision';
import { decideReceipt } from './receipt-decision';
import { derivedEventId } from './derived-ids';

const schedule = { limit: 3, baseMs: 1000, maxMs: 5000 };
const now = new Date('2026-11-26T09:00:00.000Z');

describe('retry decision', () => {
  it('retries after an exponential delay with jitter between half and all of the step', () => {
    const low = afterUnsuccessfulAttempt({
      attempts: 2,
      delivered: false,
      lastReason: 'x',
      schedule,
      now,
      random: () => 0,
    });
    const high = afterUnsuccessfulAttempt({
      attempts: 2,
      delivered: false,
      lastReason: 'x',
      schedule,
      now,
      random: () => 1,
    });
    expect(low).toEqual({ kind: 'retry', nextAttemptAt: new Date(now.getTime() + 1000) });
    expect(high).toEqual({ kind: 'retry', nextAttemptAt: new Date(now.getTime() + 2000) });
  });

  it('never waits longer than the maximum', () => {
    const decision = afterUnsuccessfulAttempt({
      attempts: 2,
      delivered: false,
      lastReason: 'x',
      schedule: { limit: 99, baseMs: 1000, maxMs: 1500 },
      now,
      random: () => 1,
    });
    expect(decision).toEqual({ kind: 'retry', nextAttemptAt: new Date(now.getTime() + 1500) });
  });

  it('fails with retry_limit once the limit is reached, naming the last problem', () => {
    const decision = afterUnsuccessfulAttempt({
      attempts: 3,
      delivered: false,
      lastReason: 'connect: no listener',
      schedule,
      now,
    });
    expect(decision).toMatchObject({ kind: 'fail', phase: 'retry_limit' });
    expect(decision.kind === 'fail' && decision.reason).toContain('connect: no listener');
  });

  it('fails a message whose hospital system was still down at the limit as destination_unavailable', () => {
    const decision = afterUnsuccessfulAttempt({
      attempts: 3,
      delivered: true,
      lastPhase: 'destination_unavailable',
      lastReason: 'destination_unavailable: ECONNREFUSED',
      schedule,
      now,
    });
    expect(decision).toMatchObject({ kind: 'fail', phase: 'destination_unavailable' });
    expect(decision.kind === 'fail' && decision.reason).toContain('ECONNREFUSED');
    expect(
      afterUnsuccessfulAttempt({
        attempts: 2,
        delivered: true,
        lastPhase: 'destination_unavailable',
        lastReason: 'x',
        schedule,
        now,
      }).kind,
    ).toBe('retry');
  });

  it('fails a delivered but never confirmed message as confirm_timeout', () => {
    expect(
      afterUnsuccessfulAttempt({ attempts: 3, delivered: true, lastReason: 'x', schedule, now }),
    ).toMatchObject({ kind: 'fail', phase: 'confirm_timeout' });
  });
});

describe('receipt decision', () => {
  it('counts received as delivered', () => {
    expect(decideReceipt({ messageId: 'm', status: 'received' })).toEqual({ kind: 'delivered' });
  });

  it('counts already_have with a confirmed outcome as confirmed, not failed', () => {
    expect(decideReceipt({ messageId: 'm', status: 'already_have', outcome: 'confirmed' })).toEqual(
      { kind: 'confirmed', alreadyHad: true },
    );
  });

  it('fails already_have with a rejected outcome as destination_rejected, with the reason', () => {
    expect(
      decideReceipt({
        messageId: 'm',
        status: 'already_have',
        outcome: 'rejected',
        reason: 'unknown patient',
      }),
    ).toEqual({ kind: 'failed', phase: 'destination_rejected', reason: 'unknown patient' });
  });

  it('waits for the outcome when already_have has none yet', () => {
    expect(decideReceipt({ messageId: 'm', status: 'already_have' })).toEqual({
      kind: 'delivered',
    });
  });

  it('fails a refusal in the send phase, with the gateway reason', () => {
    const decision = decideReceipt({ messageId: 'm', status: 'refused', reason: 'no target x' });
    expect(decision).toMatchObject({ kind: 'failed', phase: 'send' });
    expect(decision.kind === 'failed' && decision.reason).toContain('no target x');
  });
});

describe('derived event ids', () => {
  it('joins prefix and keys, and hashes what would not fit an Id', () => {
    expect(derivedEventId('failed', 'msg-1', '3')).toBe('failed:msg-1:3');
    const long = derivedEventId('confirmed', 'm'.repeat(128));
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long).toBe(derivedEventId('confirmed', 'm'.repeat(128)));
  });
});
