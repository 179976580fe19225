import {
  AppointmentCommandRejected,
  AppointmentStateChanged,
  MessageConfirmed,
  createMessage,
} from '@mbs/contracts';
import { LiveFeed, type LiveEvent } from './live-feed';

const changed = (appointmentId: string, clinicId = 'clinic-a') =>
  createMessage(AppointmentStateChanged, {
    appointmentId,
    clinicId,
    from: 'checked_in',
    to: 'sent_to_modality',
    at: '2026-12-04T10:00:00.000Z',
  });
const confirmed = (appointmentId: string) =>
  createMessage(MessageConfirmed, {
    messageId: `msg-${appointmentId}`,
    appointmentId,
    gatewayId: 'gateway-local',
    confirmedAt: '2026-12-04T10:00:01.000Z',
    alreadyHad: false,
  });
const rejected = (userId: string) =>
  createMessage(AppointmentCommandRejected, {
    commandId: `cmd-${userId}`,
    commandType: 'appointment.check-in',
    appointmentId: 'apt-1',
    requestedBy: { userId, name: userId },
    reason: 'Cannot check in: the appointment was cancelled',
    code: 'transition_refused',
  });

describe('live feed', () => {
  it('gives each watcher the events of its clinic or appointment, and its own rejections only', () => {
    const feed = new LiveFeed({ bootId: 'b00t' });
    const clinic: LiveEvent[] = [];
    const appointment: LiveEvent[] = [];
    feed.subscribe({ clinicId: 'clinic-a', username: 'ada' }, (e) => clinic.push(e));
    feed.subscribe({ appointmentId: 'apt-2', username: 'bob' }, (e) => appointment.push(e));

    feed.push(changed('apt-1'));
    feed.push(changed('apt-2', 'clinic-b'));
    feed.push(confirmed('apt-2'));
    feed.push(confirmed('apt-1'));
    feed.push(rejected('ada'));
    feed.push(rejected('bob'));

    expect(clinic.map((e) => [e.message.type, e.message.data.appointmentId])).toEqual([
      ['appointment.state-changed', 'apt-1'],
      ['appointment.command-rejected', 'apt-1'],
    ]);
    expect(appointment.map((e) => e.message.type)).toEqual([
      'appointment.state-changed',
      'message.confirmed',
      'appointment.command-rejected',
    ]);
    expect(appointment.map((e) => e.cursor)).toEqual(['b00t.2', 'b00t.3', 'b00t.6']);
  });

  it('takes an event broadcast twice once', () => {
    const feed = new LiveFeed({ bootId: 'b00t' });
    const seen: LiveEvent[] = [];
    feed.subscribe({ clinicId: 'clinic-a', username: 'ada' }, (e) => seen.push(e));
    const event = changed('apt-1');
    expect(feed.push(event)).toBeDefined();
    expect(feed.push(event)).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(feed.position).toBe('b00t.1');
  });

  it('replays exactly what a reconnecting page missed, filtered for it', () => {
    const feed = new LiveFeed({ bootId: 'b00t' });
    const filter = { clinicId: 'clinic-a', username: 'ada' };
    feed.push(changed('apt-1'));
    const cursor = feed.position;
    feed.push(changed('apt-2'));
    feed.push(changed('apt-3', 'clinic-b'));
    feed.push(changed('apt-4'));
    const caughtUp = feed.since(cursor, filter);
    expect(caughtUp.ok && caughtUp.events.map((e) => e.message.data.appointmentId)).toEqual([
      'apt-2',
      'apt-4',
    ]);
    expect(feed.since(feed.position, filter)).toEqual({ ok: true, events: [] });
    expect(feed.since('b00t.0', filter)).toMatchObject({ ok: true });
  });

  it("asks for a re-read when the cursor is another replica's, from the future, malformed or too old", () => {
    const feed = new LiveFeed({ bootId: 'b00t', capacity: 3 });
    const filter = { clinicId: 'clinic-a', username: 'ada' };
    for (const id of ['apt-1', 'apt-2', 'apt-3', 'apt-4', 'apt-5']) feed.push(changed(id));
    expect(feed.since('0ther.2', filter)).toEqual({ ok: false });
    expect(feed.since('b00t.9', filter)).toEqual({ ok: false });
    expect(feed.since('nonsense', filter)).toEqual({ ok: false });
    // apt-3 (cursor 3) is the oldest kept: a page that saw 1 missed 2, which is gone.
    expect(feed.since('b00t.1', filter)).toEqual({ ok: false });
    const fromTwo = feed.since('b00t.2', filter);
    expect(fromTwo.ok && fromTwo.events.map((e) => e.cursor)).toEqual([
      'b00t.3',
      'b00t.4',
      'b00t.5',
    ]);
  });

  it('stops telling a watcher that unsubscribed', () => {
    const feed = new LiveFeed();
    const seen: LiveEvent[] = [];
    const stop = feed.subscribe({ clinicId: 'clinic-a', username: 'ada' }, (e) => seen.push(e));
    expect(feed.watchers).toBe(1);
    stop();
    feed.push(changed('apt-1'));
    expect(seen).toEqual([]);
    expect(feed.watchers).toBe(0);
  });
});
