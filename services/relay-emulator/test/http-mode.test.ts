import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import {
  createSasToken,
  httpUrl,
  hybridConnectionUrl,
  openRelaySocket,
  requestMessageSchema,
  resourceUri,
  type RelayHttpRequest,
} from '@mbs/relay';
import {
  LISTEN_KEY,
  PATH,
  SEND_KEY,
  onCleanup,
  startEmulator,
  startListener,
} from './relay-test-kit';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '../../../libs/relay/src/fixtures', name), 'utf8');

function sendToken(endpoint: string, key: { keyName: string; key: string } = SEND_KEY) {
  return createSasToken({ resourceUri: resourceUri(endpoint, PATH), ...key });
}

/** A listener that records requests and answers with what `respond` returns. */
async function httpListener(options: { httpResponseTimeoutMs?: number } = {}) {
  const emulator = await startEmulator(options);
  const seen: RelayHttpRequest[] = [];
  const listener = startListener(emulator, {
    onRequest: (request) => {
      seen.push(request);
      if (request.target.endsWith('/slow')) return new Promise(() => undefined);
      const size = Number(new URL(request.target, 'http://x').searchParams.get('size') ?? 0);
      return {
        statusCode: request.method === 'POST' ? 201 : 200,
        statusDescription: request.method === 'POST' ? 'Created' : 'OK',
        headers: {
          'Content-Type': 'application/octet-stream',
          'X-Echo-Bytes': String(request.body.length),
        },
        body: size > 0 ? Buffer.alloc(size, 7) : request.body,
      };
    },
  });
  await listener.waitUntilOnline(3000);
  return { emulator, seen, url: httpUrl(emulator.url, PATH) };
}

describe('relay HTTP mode (emulator over real sockets)', () => {
  it('turns an HTTP request into a request frame and returns the listener response, with Via', async () => {
    const { emulator, seen, url } = await httpListener();
    const response = await fetch(
      `${url}/orders/7?sb-hc-token=${encodeURIComponent(sendToken(emulator.url))}&x=1`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/fhir+json', 'X-Correlation': 'c-1' },
        body: '{"resourceType":"Bundle"}',
      },
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo-bytes')).toBe('25');
    expect(response.headers.get('via')).toMatch(/^1\.1 127\.0\.0\.1:\d+$/);
    expect(await response.text()).toBe('{"resourceType":"Bundle"}');
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', target: `/${PATH}/orders/7?x=1` });
    expect(request!.headers['x-correlation']).toBe('c-1');
    expect(request!.headers.host).toBeUndefined();
    expect(JSON.stringify(request!.headers)).not.toMatch(/SharedAccessSignature/);
  });

  it.each([['ServiceBusAuthorization'], ['Authorization']])(
    'takes the token in the %s header and strips it',
    async (name) => {
      const { emulator, seen, url } = await httpListener();
      const response = await fetch(url, { headers: { [name]: sendToken(emulator.url) } });
      expect(response.status).toBe(200);
      expect(Object.keys(seen[0]!.headers).map((h) => h.toLowerCase())).not.toContain(
        name.toLowerCase(),
      );
    },
  );

  it('carries a large request body over a rendezvous socket', async () => {
    const { emulator, seen, url } = await httpListener();
    const body = Buffer.alloc(300 * 1024, 3);
    const response = await fetch(url, {
      method: 'PUT',
      headers: { ServiceBusAuthorization: sendToken(emulator.url) },
      body,
    });
    expect(response.status).toBe(200);
    expect(seen[0]!.body.equals(body)).toBe(true);
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);
  });

  it('sends a large response over a rendezvous socket', async () => {
    const { emulator, url } = await httpListener();
    const response = await fetch(`${url}?size=${200 * 1024}`, {
      headers: { ServiceBusAuthorization: sendToken(emulator.url) },
    });
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(200 * 1024);
    expect(body.every((byte) => byte === 7)).toBe(true);
  });

  it('answers 401, 403 and 404 for a bad token, a missing right and an unknown hybrid connection', async () => {
    const { emulator, url } = await httpListener();
    expect((await fetch(url)).status).toBe(401);
    expect(
      (
        await fetch(url, {
          headers: { ServiceBusAuthorization: sendToken(emulator.url, LISTEN_KEY) },
        })
      ).status,
    ).toBe(403);
    const unknown = await fetch(httpUrl(emulator.url, 'nowhere'), {
      headers: { ServiceBusAuthorization: sendToken(emulator.url) },
    });
    expect(unknown.status).toBe(404);
  });

  it('answers 502 when no listener is connected, and 504 when the listener does not answer in time', async () => {
    const empty = await startEmulator();
    const none = await fetch(httpUrl(empty.url, PATH), {
      headers: { ServiceBusAuthorization: sendToken(empty.url) },
    });
    expect(none.status).toBe(502);
    expect(await none.text()).toMatch(/No listener is connected/);

    const { emulator, url } = await httpListener({ httpResponseTimeoutMs: 150 });
    const slow = await fetch(`${url}/slow`, {
      headers: { ServiceBusAuthorization: sendToken(emulator.url) },
    });
    expect(slow.status).toBe(504);
  });

  it('answers 501 from a listener that has no request handler', async () => {
    const emulator = await startEmulator();
    await startListener(emulator, { onConnection: () => undefined }).waitUntilOnline(3000);
    const response = await fetch(httpUrl(emulator.url, PATH), {
      headers: { ServiceBusAuthorization: sendToken(emulator.url) },
    });
    expect(response.status).toBe(501);
  });

  it('sends a request frame shaped as the document shows, and takes the response exactly as the document writes it', async () => {
    const emulator = await startEmulator();
    const token = createSasToken({ resourceUri: resourceUri(emulator.url, PATH), ...LISTEN_KEY });
    const control = await openRelaySocket(
      hybridConnectionUrl({ endpoint: emulator.url, path: PATH, action: 'listen', token }),
      {
        phase: 'handshake',
        purpose: 'raw listener',
        timeoutMs: 3000,
      },
    );
    onCleanup(() => control.terminate());
    const documentResponse = JSON.parse(fixture('response.golden.json')) as {
      response: Record<string, unknown>;
    };
    const documentRequest = requestMessageSchema.parse(JSON.parse(fixture('request.golden.json')));
    control.on('message', (data, isBinary) => {
      if (isBinary) return;
      const { request } = requestMessageSchema.parse(JSON.parse(data.toString()));
      // Same properties as the document's example.
      expect(Object.keys(request).sort()).toEqual(Object.keys(documentRequest.request).sort());
      control.send(
        JSON.stringify({ response: { ...documentResponse.response, requestId: request.id } }),
      );
      control.send(Buffer.from('{ "hey" : "mydata" }'));
    });
    // node:http, not fetch: fetch would try to gunzip the document's (not really gzipped) body.
    const response = await new Promise<{
      status?: number;
      headers: Record<string, unknown>;
      body: string;
    }>((resolve, reject) => {
      get(
        `${httpUrl(emulator.url, PATH)}/abc/def?myarg=value`,
        { headers: { ServiceBusAuthorization: sendToken(emulator.url) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        },
      ).on('error', reject);
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.body).toBe('{ "hey" : "mydata" }');
  });
});
