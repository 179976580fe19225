import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@mbs/telemetry';
import { buildSink, type Sink } from './sink-app';

const logger = createLogger({
  service: 'hospital-sink-test',
  level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent',
});

describe('hospital sink (fastify.inject)', () => {
  let sink: Sink;
  beforeEach(async () => {
    sink = await buildSink({ logger, gatewayUrl: 'http://127.0.0.1:1', gatewayToken: 'unused' });
  });
  afterEach(() => sink.app.close());

  const post = (url: string, payload: string, contentType = 'application/json') =>
    sink.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  it('records what is posted to /fhir and any path, newest first, body as sent', async () => {
    const first = await sink.app.inject({
      method: 'POST',
      url: '/fhir',
      payload: '{"resourceType":"Bundle"}',
      headers: { 'content-type': 'application/fhir+json', 'x-message-id': 'msg-1' },
    });
    expect(first.statusCode).toBe(200);
    await post('/ris/orders?x=1', 'MSH|^~\\&|', 'x-application/hl7-v2+er7');
    const list = (await sink.app.inject('/received')).json().received;
    expect(list).toEqual([
      expect.objectContaining({
        path: '/ris/orders?x=1',
        contentType: 'x-application/hl7-v2+er7',
        body: 'MSH|^~\\&|',
      }),
      expect.objectContaining({
        method: 'POST',
        path: '/fhir',
        contentType: 'application/fhir+json',
        messageId: 'msg-1',
        body: '{"resourceType":"Bundle"}',
        answeredStatus: 200,
        receivedAt: expect.any(String),
      }),
    ]);
    expect((await sink.app.inject({ method: 'DELETE', url: '/received' })).json()).toEqual({
      cleared: 2,
    });
    expect((await sink.app.inject('/received')).json()).toEqual({ received: [] });
  });

  it('rejects as told, with the status and reason, and still records the request', async () => {
    const set = await post(
      '/behaviour',
      JSON.stringify({ mode: 'reject', status: 409, reason: 'duplicate order' }),
    );
    expect(set.statusCode).toBe(200);
    const answer = await post('/fhir', '{}');
    expect(answer.statusCode).toBe(409);
    expect(answer.body).toBe('duplicate order');
    expect((await sink.app.inject('/received')).json().received[0]).toMatchObject({
      answeredStatus: 409,
    });

    await post('/behaviour', JSON.stringify({ mode: 'reject' }));
    expect((await post('/fhir', '{}')).statusCode).toBe(422);
    await post('/behaviour', JSON.stringify({ mode: 'accept' }));
    expect((await post('/fhir', '{}')).statusCode).toBe(200);
  });

  it('answers slowly when told', async () => {
    await post('/behaviour', JSON.stringify({ mode: 'accept', delayMs: 300 }));
    const started = Date.now();
    expect((await post('/fhir', '{}')).statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('has server limits, with a connection timeout longer than its slowest answer', async () => {
    const server = sink.app.server;
    expect(server.requestTimeout).toBeGreaterThan(0);
    expect(server.keepAliveTimeout).toBeGreaterThan(0);
    // delayMs may be up to 120 s: the connection must outlive the wait it was told to make.
    expect(server.timeout).toBeGreaterThan(120_000);
    expect(sink.app.server.maxConnections).toBeGreaterThan(0);
  });

  it('refuses a bad behaviour or report with field errors', async () => {
    const bad = await post('/behaviour', JSON.stringify({ mode: 'explode', delayMs: -1 }));
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['delayMs', 'mode']);
    const mismatched = await post('/behaviour', JSON.stringify({ mode: 'accept', status: 500 }));
    expect(mismatched.json().errors).toEqual([
      { field: 'status', problem: expect.stringContaining('4xx/5xx to reject') },
    ]);
    const notJson = await post('/behaviour', '{');
    expect(notJson.statusCode).toBe(400);
    const report = await post(
      '/modality/examinations',
      JSON.stringify({ accessionNumber: 'ACC 1' }),
    );
    expect(report.statusCode).toBe(400);
    expect(
      report
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['accessionNumber', 'event']);
  });

  it('refuses query parameters on its own routes, naming each, and records them on any other path', async () => {
    for (const [method, url] of [
      ['GET', '/health?colour=blue'],
      ['GET', '/behaviour?colour=blue'],
      ['POST', '/behaviour?colour=blue'],
      ['GET', '/received?colour=blue'],
      ['DELETE', '/received?colour=blue'],
      ['POST', '/modality/examinations?colour=blue'],
    ] as const) {
      const response = await sink.app.inject({
        method,
        url,
        ...(method === 'POST' && {
          payload: '{"mode":"accept"}',
          headers: { 'content-type': 'application/json' },
        }),
      });
      expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 400 });
      expect(response.json()).toEqual({
        errors: [{ field: 'colour', problem: 'is not a known field' }],
      });
    }
    // What the gateway posts is kept as sent, query and all.
    expect((await post('/fhir?_format=json', '{}')).statusCode).toBe(200);
    expect((await sink.app.inject('/received')).json().received[0].path).toBe('/fhir?_format=json');
  });

  it('answers a body with thousands of unknown fields with one bounded answer', async () => {
    const unknown = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`field-${i}`, 'value']),
    );
    for (const url of ['/behaviour', '/modality/examinations']) {
      const response = await post(url, JSON.stringify({ mode: 'accept', ...unknown }));
      expect(response.statusCode).toBe(400);
      expect(response.body.length).toBeLessThan(4_000);
      expect(response.json().errors.length).toBeLessThanOrEqual(20);
      expect(response.json().moreErrors).toBeGreaterThan(19_900);
    }
  });

  it('answers 502 naming the gateway when it cannot be reached', async () => {
    const report = await post(
      '/modality/examinations',
      JSON.stringify({ accessionNumber: 'ACC1', event: 'examination_started' }),
    );
    expect(report.statusCode).toBe(502);
    expect(report.json()).toMatchObject({
      error: 'gateway_unreachable',
      message: expect.stringContaining('http://127.0.0.1:1/modality-events'),
    });
  });
});

describe('hospital sink as a modality (real HTTP to a local gateway stand-in)', () => {
  let gateway: Server;
  let gatewayUrl: string;
  const seen: Array<{
    url: string;
    contentType: string | undefined;
    authorization: string | undefined;
    body: unknown;
  }> = [];

  beforeAll(async () => {
    gateway = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({
          url: request.url ?? '',
          contentType: request.headers['content-type'],
          authorization: request.headers.authorization,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        response.writeHead(202, { 'content-type': 'application/json' }).end('{"eventId":"ev-1"}');
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => gateway.close(resolve)));

  it('forwards an examination report to POST /modality-events with the gateway token, and passes the answer back', async () => {
    const sink = await buildSink({ logger, gatewayUrl, gatewayToken: 'the-gateway-api-token-123' });
    try {
      await sink.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = sink.app.server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/modality/examinations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          accessionNumber: 'ACC1',
          event: 'examination_completed',
          appointmentId: 'appt-1',
        }),
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({
        forwardedTo: `${gatewayUrl}/modality-events`,
        status: 202,
        gateway: { eventId: 'ev-1' },
      });
      expect(seen).toEqual([
        {
          url: '/modality-events',
          contentType: 'application/json',
          authorization: 'Bearer the-gateway-api-token-123',
          body: {
            accessionNumber: 'ACC1',
            event: 'examination_completed',
            appointmentId: 'appt-1',
          },
        },
      ]);
    } finally {
      await sink.app.close();
    }
  });
});
