import { lifecycleWrite, storedMessage } from './lifecycle-write';
import {
  fromStatuses,
  LATE_CONFIRMABLE,
  lifecycle,
  MessageStatus,
  outcomeOf,
  SENDABLE,
  type Transition,
  type TransitionName,
  WITH_GATEWAY,
} from './message-lifecycle';

const rows = Object.entries(lifecycle) as Array<[TransitionName, Transition]>;
const now = new Date('2026-11-26T09:00:00.000Z');
const later = new Date('2026-11-26T09:05:00.000Z');
const failure = { phase: 'ack_timeout', reason: 'no receipt' } as const;

/** Every [from, to] the table allows, with the row that makes it. */
const moves = rows.flatMap(([name, row]) =>
  Object.entries(row.moves).map(([from, to]) => ({ name, from, to })),
);

describe('message lifecycle table', () => {
  it('reaches every status from a stored message', () => {
    const reached = new Set<string>([lifecycle.stored.creates]);
    for (let size = 0; size !== reached.size;) {
      size = reached.size;
      for (const { from, to } of moves) if (reached.has(from)) reached.add(to);
    }
    expect([...reached].sort()).toEqual([...MessageStatus.options].sort());
  });

  it('never moves a confirmed message: confirmed is final', () => {
    const out = moves.filter(({ from, to }) => from === 'confirmed' && to !== 'confirmed');
    expect(out).toEqual([]);
  });

  it('moves a failed message only by a staff resend, or a confirmation it stopped waiting for', () => {
    const out = moves.filter(({ from, to }) => from === 'failed' && to !== 'failed');
    expect(out.map(({ name, to }) => [name, to])).toEqual([
      ['confirm', 'confirmed'],
      ['resend', 'pending'],
    ]);
    expect(lifecycle.confirm.guardsIn.failed).toEqual(['stopped_waiting']);
    expect(LATE_CONFIRMABLE).not.toContain('destination_rejected');
    expect(LATE_CONFIRMABLE).not.toContain('send');
  });

  it('clears the next try of every message it settles, so a settled message is never due', () => {
    const settling = rows.filter(([, row]) =>
      Object.entries(row.moves).some(
        ([from, to]) => from !== to && (to === 'confirmed' || to === 'failed'),
      ),
    );
    expect(settling.map(([name]) => name).sort()).toEqual(['confirm', 'fail']);
    for (const [, row] of settling) expect(row.sets?.nextAttemptAt).toBeNull();
  });

  it('holds every answer to a send to its attempt, and the unavailable outcome to it once', () => {
    for (const name of ['receipt', 'retry', 'await_destination'] as const) {
      expect(lifecycle[name].guards).toContain('attempt');
    }
    expect(lifecycle.fail.guards).toEqual(['attempt_if_named']);
    expect(lifecycle.receipt.guards).toContain('not_unavailable_yet');
    expect(lifecycle.receipt.guards).toContain('resend');
    expect(lifecycle.gateway_has_it.guards).toContain('resend_if_named');
    expect(lifecycle.await_destination.guards).toContain('not_unavailable_yet');
    expect(lifecycle.await_destination.sets.unavailableAttempt).toBe('attempt');
  });

  it('sends only messages on their way, and takes each one as read and when due', () => {
    expect(SENDABLE).toEqual(['pending', 'sent', 'delivered']);
    expect(fromStatuses('offline')).toEqual(SENDABLE);
    for (const name of ['send', 'offline'] as const) {
      expect(lifecycle[name].guards).toEqual(['as_read', 'due']);
    }
  });

  it('writes by the status read wherever moves lead to different statuses', () => {
    const differing = rows.filter(
      ([, row]) =>
        new Set(Object.values(row.moves)).size > 1 &&
        Object.entries(row.moves).some(([from, to]) => from !== to),
    );
    expect(differing.map(([name]) => name).sort()).toEqual(['offline', 'send']);
    for (const [, row] of differing) expect(row.guards).toContain('as_read');
  });

  it('starts a fresh budget only when stored or resent, and only a resend counts resends', () => {
    const fresh = rows.filter(
      ([, row]) => row.sets && 'attempts' in row.sets && row.sets.attempts === 0,
    );
    expect(fresh.map(([name]) => name)).toEqual(['stored', 'resend']);
    expect(rows.filter(([, row]) => row.sets?.resends === 'count').map(([name]) => name)).toEqual([
      'resend',
    ]);
  });

  it('removes the payload of confirmed messages only, and resends only messages that kept it', () => {
    const removing = rows.filter(([, row]) => row.sets && 'payload' in row.sets);
    expect(removing.map(([name]) => name)).toEqual(['purge_payload']);
    expect(fromStatuses('purge_payload')).toEqual(['confirmed']);
    expect(lifecycle.resend.guards).toContain('payload_kept');
  });

  it('says which statuses prove the gateway has the message', () => {
    expect(WITH_GATEWAY).toEqual(['delivered', 'confirmed']);
  });
});

describe('lifecycle write', () => {
  it('sends a message as read: pending becomes sent, a delivered one stays delivered', () => {
    const hold = new Date(now.getTime() + 11_000);
    const input = { now, attempt: 2, nextAttemptAt: hold };
    expect(lifecycleWrite('send', { ...input, from: 'pending' })).toEqual({
      filter: { status: 'pending', attempts: 2, nextAttemptAt: { $lte: now } },
      update: {
        $set: { status: 'sent', sentAt: now, nextAttemptAt: hold },
        $inc: { attempts: 1 },
      },
      step: { at: now, event: 'sent', attempt: 3 },
    });
    expect(lifecycleWrite('send', { ...input, from: 'delivered' })?.update.$set?.status).toBe(
      'delivered',
    );
  });

  it('writes nothing for a status read that the row does not move from, and needs that status', () => {
    expect(lifecycleWrite('send', { now, from: 'failed', attempt: 1, nextAttemptAt: now })).toBe(
      undefined,
    );
    expect(() => lifecycleWrite('offline', { now, attempt: 1 })).toThrow('needs from');
  });

  it('counts an unsent try and lets a sent message wait in pending', () => {
    expect(lifecycleWrite('offline', { now, from: 'sent', attempt: 1 })?.update).toEqual({
      $set: { status: 'pending' },
      $inc: { attempts: 1 },
    });
  });

  it('counts a receipt, and the proof it gives, only for the send of the current staff resend', () => {
    const receipt = lifecycleWrite('receipt', { now, attempt: 1, resend: 1, nextAttemptAt: later });
    expect(receipt?.filter).toEqual({
      status: { $in: SENDABLE },
      attempts: 1,
      resends: 1,
      unavailableAttempt: { $ne: 1 },
    });
    // Resend 0 is also a message stored before resends were counted.
    expect(
      lifecycleWrite('receipt', { now, attempt: 1, resend: 0, nextAttemptAt: later })?.filter,
    ).toMatchObject({ resends: { $in: [0, null] } });
    expect(() => lifecycleWrite('receipt', { now, attempt: 1, nextAttemptAt: later })).toThrow(
      'needs resend',
    );
    expect(lifecycleWrite('gateway_has_it', { now, resend: 2 })?.filter).toMatchObject({
      deliveredAt: null,
      resends: 2,
    });
    // A confirmation proves it whatever the send.
    expect(lifecycleWrite('gateway_has_it', { now })?.filter).not.toHaveProperty('resends');
  });

  it('confirms from on the way, or from failed only when the dispatcher stopped waiting', () => {
    const write = lifecycleWrite('confirm', { now, alreadyHad: false, detail: 'outcome e-1' });
    expect(write?.filter).toEqual({
      $or: [
        { status: { $in: ['pending', 'sent', 'delivered'] } },
        { status: 'failed', 'lastError.phase': { $in: LATE_CONFIRMABLE } },
      ],
    });
    expect(write?.update.$set).toEqual({
      status: 'confirmed',
      confirmedAt: now,
      nextAttemptAt: null,
      alreadyHad: false,
    });
    expect(write?.step).toEqual({ at: now, event: 'confirmed', attempt: 0, detail: 'outcome e-1' });
  });

  it('fails by the attempt when it names one, and otherwise whatever the attempt', () => {
    const named = lifecycleWrite('fail', { now, failure, attempt: 4 });
    const any = lifecycleWrite('fail', { now, failure });
    expect(named?.filter).toEqual({ status: { $in: SENDABLE }, attempts: 4 });
    expect(any?.filter).toEqual({ status: { $in: SENDABLE } });
    expect(any?.update.$set).toMatchObject({
      status: 'failed',
      lastError: { ...failure, at: now },
    });
    expect(any?.step).toEqual({
      at: now,
      event: 'failed',
      attempt: 0,
      detail: 'ack_timeout: no receipt',
    });
  });

  it('schedules a retry without touching the status', () => {
    const write = lifecycleWrite('retry', { now, attempt: 2, failure, nextAttemptAt: later });
    expect(write?.update).toEqual({
      $set: { nextAttemptAt: later, lastError: { ...failure, at: now } },
    });
    expect(write?.step).toMatchObject({ event: 'retry', attempt: 2 });
  });

  it('resends a failed message that kept its payload, as a new send', () => {
    const write = lifecycleWrite('resend', { now });
    expect(write?.filter).toEqual({ status: { $in: ['failed'] }, payloadPurgedAt: null });
    expect(write?.update).toEqual({
      $set: {
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        failedAt: null,
        deliveredAt: null,
        unavailableAttempt: null,
        announced: [],
      },
      $inc: { resends: 1 },
    });
  });

  it('never shares a written list between two messages', () => {
    const first = lifecycleWrite('resend', { now })!.update.$set!.announced;
    const second = lifecycleWrite('resend', { now })!.update.$set!.announced;
    expect(first).not.toBe(second);
    expect(first).not.toBe(lifecycle.resend.sets.announced);
  });

  it('stores a new message pending and due at once', () => {
    expect(storedMessage(now)).toEqual({
      status: 'pending',
      attempts: 0,
      resends: 0,
      createdAt: now,
      nextAttemptAt: now,
      announced: [],
      history: [{ at: now, event: 'stored', attempt: 0 }],
    });
  });
});

describe('outcome of a message', () => {
  it('is confirmed, the phase it failed in, or nothing while it is on its way', () => {
    expect(outcomeOf({ status: 'confirmed' })).toBe('confirmed');
    expect(outcomeOf({ status: 'failed', lastError: { phase: 'retry_limit' } })).toBe(
      'retry_limit',
    );
    for (const status of SENDABLE) expect(outcomeOf({ status })).toBeUndefined();
  });
});
