import { afterUnsuccessfulAttempt } from './retry-decision';
import { decideReceipt } from './receipt-decision';
import { derivedEventId, outcomeEventId } from './derived-ids';
import { destinationRejection } from './destination-rejection';

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

  it("names a refusal of the order's protection by its code first, permanent in the send phase", () => {
    expect(
      decideReceipt({
        messageId: 'm',
        status: 'refused',
        code: 'bad_signature',
        reason: 'order frame refused: it has a signature that does not verify',
      }),
    ).toEqual({
      kind: 'failed',
      phase: 'send',
      reason:
        'refused: bad_signature (the gateway refused the order: order frame refused: it has a signature that does not verify)',
    });
  });
});

describe('derived event ids', () => {
  it('joins prefix and keys, and hashes what would not fit an Id', () => {
    expect(derivedEventId('failed', 'msg-1', '3')).toBe('failed:msg-1:3');
    const long = derivedEventId('confirmed', 'm'.repeat(128));
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long).toBe(derivedEventId('confirmed', 'm'.repeat(128)));
  });

  it('keeps the ids it always derived: consumers and stored messages hold them as keys', () => {
    // Literals computed by the dispatcher's own implementation, before it used @mbs/contracts'.
    expect(derivedEventId('modality', 'gateway-leeds', 'mpps-1')).toBe(
      'modality:gateway-leeds:mpps-1',
    );
    expect(derivedEventId('confirmed', 'm'.repeat(128))).toBe(
      'confirmed:a7061f12c459e9a58c2368fad32b8bd799483e6f',
    );
    expect(derivedEventId('modality', 'gateway-leeds', 'e'.repeat(120))).toBe(
      'modality:c3ad72b800aa46ef34af01676e6e0c77e70a2b1d',
    );
    // The same text split differently between keys hashes apart.
    expect(derivedEventId('modality', `gateway-leeds:${'e'.repeat(60)}`, 'e'.repeat(60))).toBe(
      'modality:5f7826180e7f46830c5e3c236a54aeea34c9ec20',
    );
    expect(outcomeEventId('failed', { messageId: 'm'.repeat(128), attempts: 3, resends: 2 })).toBe(
      'failed:b123815945526809c8a749a992c8fdd8290191f2',
    );
  });
});

describe('outcome event ids', () => {
  const first = { messageId: 'msg-1', attempts: 3, resends: 0 };

  it('keeps the ids of a first send as they always were (also for messages stored before resends were counted)', () => {
    expect(outcomeEventId('delivered', first)).toBe('delivered:msg-1');
    expect(outcomeEventId('confirmed', first)).toBe('confirmed:msg-1');
    expect(outcomeEventId('failed', first)).toBe('failed:msg-1:3');
    expect(outcomeEventId('failed', { messageId: 'msg-1', attempts: 3 })).toBe('failed:msg-1:3');
    expect(outcomeEventId('failed', { messageId: 'msg-1', attempts: 3, resends: null })).toBe(
      'failed:msg-1:3',
    );
  });

  it('gives each resend its own ids, even at the same attempt count', () => {
    const resent = { ...first, resends: 1 };
    expect(outcomeEventId('delivered', resent)).toBe('delivered:msg-1:resend-1');
    expect(outcomeEventId('confirmed', resent)).toBe('confirmed:msg-1:resend-1');
    expect(outcomeEventId('failed', resent)).toBe('failed:msg-1:resend-1:3');
    expect(outcomeEventId('failed', { ...first, resends: 2 })).toBe('failed:msg-1:resend-2:3');
  });

  it('keeps resends apart when the id is hashed to fit', () => {
    const long = { messageId: 'm'.repeat(125), attempts: 1 };
    const ids = [0, 1, 2].map((resends) => outcomeEventId('failed', { ...long, resends }));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(128);
  });
});

describe('destination rejection', () => {
  it("keeps the destination's reason, and says who refused when it gave none", () => {
    expect(destinationRejection('unknown patient')).toEqual({
      phase: 'destination_rejected',
      reason: 'unknown patient',
    });
    expect(destinationRejection(undefined)).toEqual({
      phase: 'destination_rejected',
      reason: 'The hospital destination rejected the message',
    });
  });
});
