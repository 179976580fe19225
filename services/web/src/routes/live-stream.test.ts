import {
  AppointmentCommandRejected,
  AppointmentStateChanged,
  MessageConfirmed,
  createMessage,
} from '@mbs/contracts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  STAFF,
  Visitor,
  startWeb,
  stopMongo,
  type WebUnderTest,
  textOf,
} from '../../test/web-harness';

interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** An open server-sent events stream, read as a browser's EventSource would. */
function openStream(baseUrl: string, path: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  let comments = 0;
  let status = 0;
  let buffer = '';
  const request = http.get(`${baseUrl}${path}`, { headers }, (response) => {
    status = response.statusCode ?? 0;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = { event: 'message', data: '' };
        let fields = 0;
        for (const line of block.split('\n')) {
          const [, name, value] = /^(id|event|data): (.*)$/.exec(line) ?? [];
          if (line.startsWith(':')) comments += 1;
          else if (name && value !== undefined) {
            event[name as 'id' | 'event' | 'data'] = value;
            fields += 1;
          }
        }
        if (fields > 0) events.push(event);
      }
    });
  });
  request.on('error', () => undefined);
  return {
    events,
    get status() {
      return status;
    },
    get comments() {
      return comments;
    },
    close: () => request.destroy(),
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const changed = (
  appointmentId: string,
  clinicId: string,
  to: 'checked_in' | 'sent_to_modality' = 'checked_in',
) =>
  createMessage(AppointmentStateChanged, {
    appointmentId,
    clinicId,
    from: 'booked',
    to,
    at: '2026-12-04T10:00:00.000Z',
  });

describe('live stream (server-sent events over HTTP, MongoDB)', () => {
  let web: WebUnderTest;
  let baseUrl: string;
  let staff: Visitor;
  const streams: Array<{ close(): void }> = [];

  beforeEach(async () => {
    web = await startWeb();
    await web.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
    staff = new Visitor(web);
    await staff.signIn(STAFF);
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await web.stop();
  });
  afterAll(() => stopMongo());

  const open = (path: string, headers: Record<string, string> = {}) => {
    const stream = openStream(baseUrl, path, { cookie: staff.cookieHeader, ...headers });
    streams.push(stream);
    return stream;
  };

  it('tells a clinic page about its own appointments only, by id, with no patient data', async () => {
    const stream = open('/live?clinicId=clinic-leeds-am');
    await until(() => stream.status === 200 && web.feed.watchers === 1, 'the stream to open');
    web.feed.push(changed('apt-leeds-am-03', 'clinic-leeds-am'));
    web.feed.push(changed('apt-york-01', 'clinic-york-am'));
    web.feed.push(changed('apt-leeds-am-02', 'clinic-leeds-am', 'sent_to_modality'));
    await until(() => stream.events.length === 2, 'two changes');
    expect(stream.events).toEqual([
      {
        id: 'test.1',
        event: 'change',
        data: JSON.stringify({
          appointmentId: 'apt-leeds-am-03',
          type: 'appointment.state-changed',
        }),
      },
      {
        id: 'test.3',
        event: 'change',
        data: JSON.stringify({
          appointmentId: 'apt-leeds-am-02',
          type: 'appointment.state-changed',
        }),
      },
    ]);
  });

  it("tells an appointment page about its messages, and only this person's refused commands", async () => {
    const stream = open('/live?appointmentId=apt-leeds-am-02');
    await until(() => web.feed.watchers === 1, 'the stream to open');
    web.feed.push(
      createMessage(MessageConfirmed, {
        messageId: 'msg-1',
        appointmentId: 'apt-leeds-am-02',
        gatewayId: 'gateway-local',
        confirmedAt: '2026-12-04T10:00:01.000Z',
        alreadyHad: false,
      }),
    );
    const rejection = (userId: string, commandId: string) =>
      createMessage(AppointmentCommandRejected, {
        commandId,
        commandType: 'appointment.check-in',
        appointmentId: 'apt-leeds-am-01',
        requestedBy: { userId, name: userId },
        reason:
          'Cannot check in: the participant has already been screened (appointment is screened)',
        code: 'transition_refused',
      });
    web.feed.push(rejection('someone-else', 'cmd-other'));
    // web's durable consumer has recorded it before it reaches the feed.
    const adas = rejection('ada', 'cmd-ada');
    await web.context.rejections.record(adas);
    expect(await web.context.rejections.unseen('ada')).toHaveLength(1);
    web.feed.push(adas);
    await until(() => stream.events.length === 2, 'the confirmation and the rejection');
    expect(stream.events[0]).toMatchObject({ event: 'change', id: 'test.1' });
    const rejected = stream.events[1]!;
    expect(rejected.event).toBe('rejected');
    const { commandId, html } = JSON.parse(rejected.data) as { commandId: string; html: string };
    expect(commandId).toBe('cmd-ada');
    expect(html).toContain('Not checked in');
    expect(html).toContain('Cannot check in: the participant has already been screened');
    expect(html).toContain('href="/appointments/apt-leeds-am-01"');
    // Shown live, so the next page does not show it again.
    const deadline = Date.now() + 5_000;
    while ((await web.context.rejections.unseen('ada')).length > 0) {
      if (Date.now() > deadline) throw new Error('the rejection was never marked shown');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(textOf((await staff.get('/clinics')).body)).not.toContain('Not sent to the modality');
  });

  it('replays what a reconnecting page missed from its Last-Event-ID, and asks for a re-read when it cannot', async () => {
    web.feed.push(changed('apt-leeds-am-03', 'clinic-leeds-am'));
    const cursor = web.feed.position;
    web.feed.push(changed('apt-leeds-am-02', 'clinic-leeds-am'));
    web.feed.push(changed('apt-york-01', 'clinic-york-am'));
    const resumed = open('/live?clinicId=clinic-leeds-am', { 'last-event-id': cursor });
    await until(() => resumed.events.length === 1, 'the missed event');
    expect(resumed.events[0]).toMatchObject({ id: 'test.2', event: 'change' });

    // The first connection gives where the page was drawn as `since`, since it has no id yet.
    const fromPage = open(`/live?clinicId=clinic-leeds-am&since=${encodeURIComponent(cursor)}`);
    await until(() => fromPage.events.length === 1, 'the event after the page was drawn');

    const otherReplica = open('/live?clinicId=clinic-leeds-am', { 'last-event-id': 'f00d.7' });
    await until(() => otherReplica.events.length === 1, 'resync');
    expect(otherReplica.events[0]).toMatchObject({ event: 'resync', id: web.feed.position });
  });

  it('sends heartbeats, and ends the stream with signed-out when the session ends', async () => {
    const stream = open('/live?clinicId=clinic-leeds-am');
    await until(() => stream.comments >= 2, 'two heartbeats');
    await web.context.sessions.destroyAllOf(STAFF.username);
    await until(() => stream.events.some((e) => e.event === 'signed-out'), 'signed-out');
    await until(() => web.feed.watchers === 0, 'the stream to end');
  });

  it('refuses a stream to someone not signed in, and one that watches nothing', async () => {
    const stranger = openStream(baseUrl, '/live?clinicId=clinic-leeds-am', {});
    streams.push(stranger);
    await until(() => stranger.status !== 0, 'an answer');
    expect(stranger.status).toBe(401);
    const nothing = open('/live');
    await until(() => nothing.status !== 0, 'an answer');
    expect(nothing.status).toBe(400);
    expect(web.feed.watchers).toBe(0);
  });

  it('ends open streams when web stops, so stopping never waits for them', async () => {
    open('/live?clinicId=clinic-leeds-am');
    await until(() => web.feed.watchers === 1, 'the stream to open');
    const started = Date.now();
    await web.app.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(web.feed.watchers).toBe(0);
  });
});
