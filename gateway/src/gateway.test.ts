import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayEmulator } from '@mbs/relay-emulator';
import { newTraceparent, RelaySession } from '@mbs/relay';
import {
  closedPort,
  connectDispatcher,
  connectRawDispatcher,
  deliverBody,
  eventually,
  GATEWAY_ID,
  openSigned,
  quietLogger,
  sealDeliver,
  testKeys,
  removeDir,
  startEmulator,
  startFakeTarget,
  startTestGateway,
  sleep,
  tempDir,
  type FakeDispatcher,
  type FakeTarget,
  WITH_API_TOKEN,
} from '../test/support';
import type { Target } from './config';
import { startGateway, type Gateway } from './gateway';
import { fixedKeys } from './protection/key-file';

describe('gateway (real sockets: relay emulator, HTTP target, SQLite)', () => {
  let emulator: RelayEmulator;
  let target: FakeTarget;
  let dataDir: string;
  let dropDir: string;
  let targets: Target[];
  let gateway: Gateway | undefined;
  const dispatchers: FakeDispatcher[] = [];

  const dispatcher = async () => {
    const connected = await connectDispatcher(emulator);
    dispatchers.push(connected);
    return connected;
  };

  beforeEach(async () => {
    emulator = await startEmulator();
    target = await startFakeTarget();
    dataDir = tempDir('gateway-data');
    dropDir = join(dataDir, 'worklist');
    targets = [
      // Patient (10 s): on a loaded machine a local answer can take seconds, and a timeout here
      // would be retried and counted as a second request. Impatience is ris-impatient's test.
      { name: 'ris-fhir', kind: 'http', url: target.url, timeoutMs: 10_000, retries: 2 },
      { name: 'worklist-drop', kind: 'file', directory: dropDir, retries: 1 },
      // Nothing listens there: connection refused.
      {
        name: 'ris-down',
        kind: 'http',
        url: `http://127.0.0.1:${await closedPort()}/fhir`,
        timeoutMs: 500,
        retries: 2,
      },
      // The same hospital system, but with no patience: a slow answer is a timeout.
      { name: 'ris-impatient', kind: 'http', url: target.url, timeoutMs: 150, retries: 1 },
    ];
    gateway = await startTestGateway(emulator, targets, dataDir);
  });

  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.close().catch(() => undefined);
    await gateway?.stop(1000);
    await target.close();
    await emulator.close();
    removeDir(dataDir);
  });

  it('receives, delivers to the HTTP target, confirms upstream, and forgets the event once acknowledged', async () => {
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const receipt = await d.deliver(body, traceparent);
    expect(receipt.kind).toBe('ack');
    expect(receipt.body).toEqual({ messageId: body.messageId, status: 'received' });

    await eventually(() => d.events.length === 1, 'the delivery outcome upstream');
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]!.body).toBe(body.payload);
    expect(target.requests[0]!.headers['content-type']).toBe('application/fhir+json');
    expect(target.requests[0]!.headers['x-message-id']).toBe(body.messageId);
    const [event] = d.bodies();
    expect(event).toEqual({
      type: 'delivery-outcome',
      eventId: expect.any(String),
      messageId: body.messageId,
      outcome: 'confirmed',
      resend: 0,
      at: expect.any(String),
    });
    // One trace from the deliver frame to the outcome event.
    expect(d.events[0]!.traceparent?.split('-')[1]).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(gateway!.store.counts()).toMatchObject({ outboxDepth: 1, confirmed: 1, delivered: 1 });

    await d.ack(event!.eventId);
    await eventually(() => gateway!.store.counts().outboxDepth === 0, 'the outbox to empty');
  });

  it('answers a resend with already_have and its outcome, and delivers it only once', async () => {
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the outcome');
    const again = await d.deliver({ ...body, attempt: 2 });
    expect(again.body).toEqual({
      messageId: body.messageId,
      status: 'already_have',
      outcome: 'confirmed',
    });
    await sleep(200);
    expect(target.requests).toHaveLength(1);
    expect(d.events).toHaveLength(1);
  });

  it('reports a 4xx from the target as rejected, with its status and body, without retrying, and never delivers it again', async () => {
    target.script({ status: 422, body: 'ServiceRequest.identifier missing' });
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    expect((await d.deliver(body)).body).toMatchObject({ status: 'received' });
    await eventually(() => d.events.length === 1, 'the outcome');
    expect(d.bodies()[0]).toMatchObject({
      type: 'delivery-outcome',
      messageId: body.messageId,
      outcome: 'rejected',
      reason: 'deliver_http: ris-fhir answered 422: ServiceRequest.identifier missing',
    });
    expect(target.requests).toHaveLength(1);
    expect(gateway!.store.getMessage(body.messageId)).toMatchObject({ status: 'rejected' });

    // Permanent: a resend is answered with the rejection, and the target is not asked again.
    expect((await d.deliver({ ...body, attempt: 2 })).body).toEqual({
      messageId: body.messageId,
      status: 'already_have',
      outcome: 'rejected',
      reason: 'deliver_http: ris-fhir answered 422: ServiceRequest.identifier missing',
    });
    await sleep(200);
    expect(target.requests).toHaveLength(1);
    expect(d.events).toHaveLength(1);
  });

  it('delivers a rejected message again for a staff resend (a higher resend count), once per resend', async () => {
    target.script({ status: 422, body: 'unknown procedure code' });
    const d = await dispatcher();
    const body = deliverBody('ris-fhir', { resend: 0 });
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the rejection');
    expect(d.bodies()[0]).toMatchObject({ outcome: 'rejected', resend: 0 });

    // The hospital fixed its side; staff resend: the dispatcher counts resend 1, attempts from 1.
    const resent = await d.deliver({ ...body, attempt: 1, resend: 1 });
    expect(resent.body).toEqual({ messageId: body.messageId, status: 'received' });
    await eventually(() => d.events.length === 2, 'the outcome of the resend');
    expect(d.bodies()[1]).toMatchObject({
      messageId: body.messageId,
      outcome: 'confirmed',
      resend: 1,
    });
    expect(d.bodies()[1]!.eventId).not.toBe(d.bodies()[0]!.eventId);
    expect(target.requests).toHaveLength(2);

    // A retry of that resend, or a stale deliver of the first send: already have it, confirmed.
    for (const again of [
      { attempt: 2, resend: 1 },
      { attempt: 3, resend: 0 },
    ]) {
      expect((await d.deliver({ ...body, ...again })).body).toEqual({
        messageId: body.messageId,
        status: 'already_have',
        outcome: 'confirmed',
      });
    }
    // Confirmed is final: not even a further resend delivers it twice.
    expect((await d.deliver({ ...body, attempt: 1, resend: 2 })).body).toMatchObject({
      status: 'already_have',
      outcome: 'confirmed',
    });
    await sleep(200);
    expect(target.requests).toHaveLength(2);
    expect(d.events).toHaveLength(2);
  });

  it('answers a retry of a rejected resend "already have it" with the rejection, without asking the target', async () => {
    target.script({ status: 422, body: 'first' }, { status: 422, body: 'still wrong' });
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the first rejection');
    await d.deliver({ ...body, resend: 1 });
    await eventually(() => d.events.length === 2, 'the rejection of the resend');
    expect(d.bodies()[1]).toMatchObject({ outcome: 'rejected', resend: 1 });
    expect((await d.deliver({ ...body, attempt: 2, resend: 1 })).body).toEqual({
      messageId: body.messageId,
      status: 'already_have',
      outcome: 'rejected',
      reason: 'deliver_http: ris-fhir answered 422: still wrong',
    });
    await sleep(200);
    expect(target.requests).toHaveLength(2);
  });

  it('retries a 429 after its Retry-After, kept within the local retry bounds, and confirms', async () => {
    // An hour asked for; the test gateway's retries wait at most 100 ms.
    target.script({ status: 429, headers: { 'retry-after': '3600' } }, { status: 408 });
    const d = await dispatcher();
    await d.deliver(deliverBody('ris-fhir'));
    await eventually(() => d.events.length === 1, 'the outcome');
    expect(d.bodies()[0]).toMatchObject({ outcome: 'confirmed' });
    expect(target.requests).toHaveLength(3);
  });

  it('reports a target URL that redirects as a configuration error at once, not as the hospital refusing it', async () => {
    target.script({ status: 301, headers: { location: 'https://ris.example/fhir/' } });
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the outcome');
    expect(d.bodies()[0]).toMatchObject({
      outcome: 'rejected',
      reason: `deliver_http: target ris-fhir is misconfigured: POST ${target.url} answered 301 redirecting to https://ris.example/fhir/; the target URL redirects and should be corrected in GATEWAY_TARGETS`,
    });
    expect(target.requests).toHaveLength(1);
  });

  it('retries a 5xx and confirms when the target recovers', async () => {
    target.script(503, 500);
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the outcome');
    expect(d.bodies()[0]).toMatchObject({ outcome: 'confirmed' });
    expect(target.requests).toHaveLength(3);
  });

  it('reports a target that refuses connections as unavailable after its retries, naming the phase and attempts', async () => {
    const d = await dispatcher();
    const body = deliverBody('ris-down');
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the outcome');
    const [event] = d.bodies();
    expect(event).toMatchObject({ outcome: 'unavailable' });
    expect(event).toHaveProperty(
      'reason',
      expect.stringMatching(/^deliver_http: gave up after 3 attempts: .*ECONNREFUSED/),
    );
    expect(gateway!.store.getMessage(body.messageId)).toMatchObject({ status: 'unavailable' });
    expect(gateway!.store.counts()).toMatchObject({ unavailable: 1, rejected: 0 });
  });

  it('reports a target that does not answer in time as unavailable', async () => {
    target.script({ status: 200, delayMs: 1000 }, { status: 200, delayMs: 1000 });
    const d = await dispatcher();
    const body = deliverBody('ris-impatient');
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the outcome');
    expect(d.bodies()[0]).toMatchObject({
      messageId: body.messageId,
      outcome: 'unavailable',
      reason: expect.stringMatching(/gave up after 2 attempts: .*no answer within 150 ms/),
    });
  });

  it('reports a target still failing with 5xx after its retries as unavailable, and delivers it again on the next deliver', async () => {
    target.script(503, 503, 503);
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the first outcome');
    expect(d.bodies()[0]).toMatchObject({
      outcome: 'unavailable',
      reason: expect.stringMatching(/gave up after 3 attempts: ris-fhir answered 503/),
    });

    // The hospital system is back; the dispatcher's retry sends the same message id again. It is
    // not "already have it": it is taken and delivered again.
    const again = await d.deliver({ ...body, attempt: 2 });
    expect(again.body).toEqual({ messageId: body.messageId, status: 'received' });
    await eventually(() => d.events.length === 2, 'the second outcome');
    expect(d.bodies()[1]).toMatchObject({ messageId: body.messageId, outcome: 'confirmed' });
    expect(target.requests).toHaveLength(4);

    // Confirmed now: a further resend is only acknowledged.
    expect((await d.deliver({ ...body, attempt: 3 })).body).toMatchObject({
      status: 'already_have',
      outcome: 'confirmed',
    });
    await sleep(200);
    expect(target.requests).toHaveLength(4);
  });

  it('drops a file atomically as <messageId>.json for a file target', async () => {
    const d = await dispatcher();
    const body = deliverBody('worklist-drop', { messageId: 'msg:with:colons-1' });
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the outcome');
    expect(d.bodies()[0]).toMatchObject({ outcome: 'confirmed' });
    expect(readdirSync(dropDir)).toEqual(['msg%3Awith%3Acolons-1.json']);
    expect(readFileSync(join(dropDir, 'msg%3Awith%3Acolons-1.json'), 'utf8')).toBe(body.payload);
  });

  it('refuses invalid and oversized orders and unsealed delivers with the reason, and the session goes on', async () => {
    const d = await dispatcher();
    // Sealed and signed, but what it carries is not an order.
    const invalid = await d.deliver({ messageId: 'msg-bad-1', target: 'ris-fhir' });
    expect(invalid.kind).toBe('ack');
    expect(invalid.body).toMatchObject({ messageId: 'msg-bad-1', status: 'refused' });
    expect((invalid.body as { reason: string }).reason).toMatch(/invalid order: .*appointmentId/);

    const noId = await d.deliverRaw({ hello: 'world' });
    expect(noId.kind).toBe('error');
    expect(noId.body).toMatchObject({
      code: 'invalid_body',
      reason: expect.stringContaining('messageId'),
    });

    // An order in clear, as before orders were sealed: unsigned, so refused, and not recorded.
    const plain = deliverBody('ris-fhir');
    expect((await d.deliverRaw(plain)).body).toEqual({
      messageId: plain.messageId,
      status: 'refused',
      code: 'bad_signature',
      reason: 'deliver refused: its order is not sealed (unsigned)',
    });
    expect(gateway!.store.getMessage(plain.messageId)).toBeUndefined();

    const oversized = await d.deliver(deliverBody('ris-fhir', { payload: 'x'.repeat(600 * 1024) }));
    expect(oversized.body).toMatchObject({ status: 'refused' });
    expect((oversized.body as { reason: string }).reason).toContain(
      'payload: must be at most 524288 bytes',
    );

    const good = await d.deliver(deliverBody('ris-fhir'));
    expect(good.body).toMatchObject({ status: 'received' });
    await eventually(() => target.requests.length === 1, 'the good message delivered');
    expect(gateway!.store.counts().delivered).toBe(1);
  });

  it('answers a non-JSON frame and frames of unknown kinds with a protocol error, and takes the next valid deliver', async () => {
    const { socket, received } = await connectRawDispatcher(emulator);
    socket.send('this is not JSON {');
    await eventually(() => received.length === 1, 'an answer to the non-JSON frame');
    expect(received[0]).toMatchObject({
      kind: 'error',
      body: { code: 'malformed_frame', reason: expect.stringContaining('not JSON') },
    });

    // A kind no session frame has.
    socket.send(
      JSON.stringify({ kind: 'teleport', id: 'frame-teleport', traceparent: newTraceparent() }),
    );
    await eventually(() => received.length === 2, 'an answer to the unknown kind');
    expect(received[1]).toMatchObject({
      kind: 'error',
      replyTo: 'frame-teleport',
      body: { code: 'malformed_frame', reason: expect.stringContaining('kind') },
    });

    // A session kind the gateway does not take from a dispatcher.
    socket.send(
      JSON.stringify({ kind: 'event', id: 'frame-event', traceparent: newTraceparent(), body: {} }),
    );
    await eventually(() => received.length === 3, 'an answer to the event frame');
    expect(received[2]).toMatchObject({
      kind: 'error',
      replyTo: 'frame-event',
      body: { code: 'unhandled_frame', reason: 'the gateway does not take event frames' },
    });

    // The same connection still works.
    const session = new RelaySession(socket, { name: 'test dispatcher (raw)' });
    try {
      const body = deliverBody('ris-fhir');
      const receipt = await openSigned(
        await session.request(
          { kind: 'deliver', body: await sealDeliver(body) },
          { timeoutMs: 5_000 },
        ),
      );
      expect(receipt).toMatchObject({
        kind: 'ack',
        body: { messageId: body.messageId, status: 'received' },
      });
      await eventually(() => target.requests.length === 1, 'the message delivered');
      expect(gateway!.health()).toMatchObject({ ok: true, sessionsOpen: 1 });
    } finally {
      await session.close();
    }
  });

  it('refuses a deliver for a target it does not have, naming the ones it has', async () => {
    const d = await dispatcher();
    const body = deliverBody('pacs');
    const receipt = await d.deliver(body);
    expect(receipt.body).toEqual({
      messageId: body.messageId,
      status: 'refused',
      reason:
        'unknown target "pacs"; this gateway delivers to: ris-fhir, worklist-drop, ris-down, ris-impatient',
    });
    expect(gateway!.store.getMessage(body.messageId)).toBeUndefined();
  });

  it('keeps messages and the outbox across a restart: resends are still recognised, events still pending', async () => {
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    await d.deliver(body);
    await eventually(() => d.events.length === 1, 'the outcome');
    const eventId = d.bodies()[0]!.eventId;
    await d.close();
    await gateway!.stop();

    gateway = await startTestGateway(emulator, targets, dataDir);
    expect(gateway.store.journalMode).toBe('wal');
    expect(gateway.store.counts()).toMatchObject({ outboxDepth: 1, confirmed: 1 });
    const d2 = await dispatcher();
    // The unacknowledged outcome is sent again on the new session...
    await eventually(() => d2.events.length === 1, 'the pending outcome resent');
    expect(d2.bodies()[0]!.eventId).toBe(eventId);
    // ...and a resend of the message is still a duplicate.
    expect((await d2.deliver({ ...body, attempt: 3 })).body).toMatchObject({
      status: 'already_have',
      outcome: 'confirmed',
    });
    await sleep(200);
    expect(target.requests).toHaveLength(1);
    await d2.ack(eventId);
    await eventually(() => gateway!.store.counts().outboxDepth === 0, 'the outbox to empty');
  });

  it('resends an unacknowledged event on a new session, and drops it after the ack', async () => {
    const d1 = await dispatcher();
    await d1.deliver(deliverBody('ris-fhir'));
    await eventually(() => d1.events.length === 1, 'the outcome');
    await d1.close();
    const d2 = await dispatcher();
    d2.autoAck = true;
    await eventually(() => d2.events.length === 1, 'the resend');
    expect(d2.bodies()[0]!.eventId).toBe(d1.bodies()[0]!.eventId);
    await eventually(() => gateway!.store.counts().outboxDepth === 0, 'the outbox to empty');
  });

  it('resends an unacknowledged event after the retry interval on the same session', async () => {
    await gateway!.stop();
    gateway = await startTestGateway(emulator, targets, dataDir, { outboxRetryMs: 200 });
    const d = await dispatcher();
    await d.deliver(deliverBody('ris-fhir'));
    await eventually(() => d.events.length >= 2, 'a second send of the same event');
    expect(new Set(d.bodies().map((e) => e.eventId)).size).toBe(1);
    await d.ack(d.bodies()[0]!.eventId);
    await eventually(() => gateway!.store.counts().outboxDepth === 0, 'the outbox to empty');
  });

  it('keeps a refused event out of the resends', async () => {
    const d = await dispatcher();
    await d.deliver(deliverBody('ris-fhir'));
    await eventually(() => d.events.length === 1, 'the outcome');
    await d.ack(d.bodies()[0]!.eventId, 'refused', 'unknown gateway');
    await eventually(() => gateway!.store.counts().outboxRefused === 1, 'the refusal recorded');
    expect(gateway!.store.counts().outboxDepth).toBe(0);
  });

  it('sends a modality event reported over HTTP upstream, and refuses bad input with field errors', async () => {
    const d = await dispatcher();
    d.autoAck = true;
    const response = await gateway!.app.inject({
      method: 'POST',
      url: '/modality-events',
      headers: WITH_API_TOKEN,
      payload: { accessionNumber: 'ACC123', event: 'examination_started', appointmentId: 'appt-1' },
    });
    expect(response.statusCode).toBe(202);
    const { eventId } = response.json() as { eventId: string };
    await eventually(() => d.events.length === 1, 'the modality event upstream');
    expect(d.bodies()[0]).toEqual({
      type: 'modality-event',
      eventId,
      accessionNumber: 'ACC123',
      appointmentId: 'appt-1',
      event: 'examination_started',
      happenedAt: expect.any(String),
    });
    await eventually(() => gateway!.store.counts().outboxDepth === 0, 'the ack');

    const bad = await gateway!.app.inject({
      method: 'POST',
      url: '/modality-events',
      headers: WITH_API_TOKEN,
      payload: { accessionNumber: 'THIS-IS-FAR-TOO-LONG', event: 'exploded', colour: 'red' },
    });
    expect(bad.statusCode).toBe(400);
    const fields = (bad.json() as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(fields.sort()).toEqual(['accessionNumber', 'colour', 'event']);

    // Thousands of unknown fields: one bounded answer (and a bounded log line).
    const unknown = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, 1]));
    const flood = await gateway!.app.inject({
      method: 'POST',
      url: '/modality-events',
      headers: WITH_API_TOKEN,
      payload: { accessionNumber: 'ACC123', event: 'examination_started', ...unknown },
    });
    expect(flood.statusCode).toBe(400);
    expect(flood.body.length).toBeLessThan(4_000);
    expect(flood.json()).toEqual({
      errors: expect.arrayContaining([{ field: 'f0', problem: 'is not a known field' }]),
      moreErrors: 4_980,
    });

    // A query parameter no route takes is named and refused, and nothing is queued.
    for (const [method, url] of [
      ['POST', '/modality-events?colour=red'],
      ['GET', '/health?colour=red'],
    ] as const) {
      const refused = await gateway!.app.inject({
        method,
        url,
        headers: WITH_API_TOKEN,
        ...(method === 'POST' && {
          payload: { accessionNumber: 'ACC123', event: 'examination_started' },
        }),
      });
      expect({ url, status: refused.statusCode }).toEqual({ url, status: 400 });
      expect(refused.json()).toEqual({
        errors: [{ field: 'colour', problem: 'is not a known field' }],
      });
    }
    expect(gateway!.store.counts().outboxDepth).toBe(0);
  });

  it('reports health: 200 with traffic figures while online, 503 once the listener stops', async () => {
    const d = await dispatcher();
    await d.session.ping();
    await d.deliver(deliverBody('ris-fhir'));
    await eventually(() => d.events.length === 1, 'the outcome');
    const healthy = await gateway!.app.inject('/health');
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json()).toMatchObject({
      ok: true,
      listener: { state: 'online' },
      sessionsOpen: 1,
      lastFrameAt: expect.any(String),
      delivered: 1,
      confirmed: 1,
      rejected: 0,
      outboxDepth: 1,
      store: { ok: true, journalMode: 'wal' },
    });
    await gateway!.listener.stop();
    const down = await gateway!.app.inject('/health');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ ok: false, listener: { state: 'closed' } });
  });

  it('reports 503 naming the failure while the relay refuses its key', async () => {
    await gateway!.stop();
    const k = await testKeys();
    gateway = await startGateway({
      relay: { endpoint: emulator.url, path: 'gateway-local', keyName: 'listen', key: 'wrong-key' },
      gatewayId: GATEWAY_ID,
      keys: fixedKeys(k.gateway.privateKeys),
      dispatcherKeys: k.dispatcherPublic,
      targets,
      dataDir,
      logger: quietLogger(),
      apiToken: 'test-modality-token-0123456789',
    });
    await eventually(() => gateway!.listener.status.lastError !== undefined, 'the refusal');
    const health = await gateway.app.inject('/health');
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({
      ok: false,
      listener: { state: 'refused', lastError: expect.stringMatching(/401|unauthori[sz]ed/i) },
    });
  });

  it('resumes a delivery interrupted by a stop when it starts again', async () => {
    // The target answers 503 until the gateway stops; the message is then still `received`.
    target.script(503, 503, 503, 503, 503, 503, 503, 503, 503, 503);
    await gateway!.stop();
    gateway = await startTestGateway(emulator, targets, dataDir, {
      deliveryBackoff: { baseMs: 5000, maxMs: 5000 },
    });
    const d = await dispatcher();
    const body = deliverBody('ris-fhir');
    await d.deliver(body);
    await eventually(() => target.requests.length === 1, 'the first attempt');
    await gateway.stop(100);
    expect(existsSync(join(dataDir, 'gateway.sqlite'))).toBe(true);

    target.script();
    gateway = await startTestGateway(emulator, targets, dataDir);
    await eventually(
      () => gateway!.store.getMessage(body.messageId)?.status === 'confirmed',
      'the resumed delivery',
    );
    expect(target.requests).toHaveLength(2);
  });

  it('delivers a backlog at most maxConcurrentDeliveries at a time, so a hospital system is not flooded', async () => {
    await gateway!.stop();
    gateway = await startTestGateway(emulator, targets, dataDir, { maxConcurrentDeliveries: 3 });
    // A slow hospital system and a backlog of twelve orders arriving together.
    target.script(...Array.from({ length: 12 }, () => ({ status: 200, delayMs: 150 })));
    const d = await dispatcher();
    const bodies = Array.from({ length: 12 }, () => deliverBody('ris-fhir'));
    await Promise.all(bodies.map((body) => d.deliver(body)));
    await eventually(
      () => bodies.every((b) => gateway!.store.getMessage(b.messageId)?.status === 'confirmed'),
      'every order delivered',
      30_000,
    );
    expect(target.requests).toHaveLength(12);
    expect(target.load.most).toBeGreaterThan(1);
    expect(target.load.most).toBeLessThanOrEqual(3);
  });

  it("keeps to a target's maxPerSecond, starting its deliveries no faster than that", async () => {
    await gateway!.stop();
    const paced = targets.map((t) => (t.name === 'ris-fhir' ? { ...t, maxPerSecond: 5 } : t));
    gateway = await startTestGateway(emulator, paced, dataDir);
    const d = await dispatcher();
    const bodies = Array.from({ length: 6 }, () => deliverBody('ris-fhir'));
    const sentAt = Date.now();
    await Promise.all(bodies.map((body) => d.deliver(body)));
    await eventually(() => target.requests.length === 6, 'six deliveries', 30_000);
    // Five a second: the sixth starts a second after the first at the earliest. A bound that
    // only pacing can meet, however slow the machine (the gaps between arrivals are not: a late
    // first request narrows them); the spacing itself is target-pacer.test.ts's, on a fake clock.
    const lastArrival = Math.max(...target.requests.map((r) => r.at));
    expect(lastArrival - sentAt).toBeGreaterThanOrEqual(1_000 - 20);
  });

  it('limits modality reports on its local API, answering 429 with when to try again', async () => {
    await gateway!.stop();
    gateway = await startTestGateway(emulator, targets, dataDir, { modalityEventsPerMinute: 5 });
    const statuses: number[] = [];
    let refused: { headers: Record<string, unknown>; body: unknown } | undefined;
    for (let i = 0; i < 7; i++) {
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/modality-events',
        headers: WITH_API_TOKEN,
        payload: { accessionNumber: `ACC${i}`, event: 'examination_started' },
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429)
        refused = { headers: response.headers, body: response.json() };
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused?.body).toMatchObject({ error: 'too_many_requests' });
    // Only what was accepted waits to go upstream.
    expect(gateway.store.counts().outboxDepth).toBe(5);
  });

  it('takes modality reports only with its bearer token, refusing the rest before they count', async () => {
    await gateway!.stop();
    gateway = await startTestGateway(emulator, targets, dataDir, { modalityEventsPerMinute: 2 });
    const report = { accessionNumber: 'ACC123', event: 'examination_started' };
    const refusals = [
      {},
      { authorization: 'Bearer wrong-token-wrong-token-wrong' },
      { authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${WITH_API_TOKEN.authorization.slice(7)}x` },
    ];
    for (const headers of refusals) {
      const refused = await gateway.app.inject({
        method: 'POST',
        url: '/modality-events',
        headers,
        payload: report,
      });
      expect(refused.statusCode).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="gateway"');
      expect(refused.json()).toEqual({ error: 'unauthenticated', message: expect.any(String) });
      expect(refused.body).not.toContain(WITH_API_TOKEN.authorization.slice(7));
    }
    // Nothing refused was queued, and none of it used up the reports of the systems with the token.
    expect(gateway.store.counts().outboxDepth).toBe(0);
    for (let i = 0; i < 2; i++) {
      const accepted = await gateway.app.inject({
        method: 'POST',
        url: '/modality-events',
        headers: WITH_API_TOKEN,
        payload: report,
      });
      expect(accepted.statusCode).toBe(202);
    }
    // Health stays open for the hospital's monitoring.
    expect((await gateway.app.inject('/health')).statusCode).toBe(200);
  });
});
