import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import {
  RelayForbiddenError,
  createSasToken,
  httpUrl,
  openRelaySocket,
  requestMessageSchema,
  resourceUri,
  type RelayHttpRequest,
} from '@mbs/relay';
import type WebSocket from 'ws';
import {
  LISTEN_KEY,
  PATH,
  SEND_KEY,
  eventually,
  listenUrl,
  onCleanup,
  rejectionOf,
  startEmulator,
  startListener,
} from './relay-test-kit';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '../../../libs/relay/src/fixtures', name), 'utf8');

function sendToken(endpoint: string, key: { keyName: string; key: string } = SEND_KEY) {
  return createSasToken({ resourceUri: resourceUri(endpoint, PATH), ...key });
}

/** A control channel opened by hand: every text frame, parsed as raw JSON, and binary frame. */
async function rawControlChannel(endpoint: string) {
  const socket = await openRelaySocket(listenUrl(endpoint), {
    phase: 'handshake',
    purpose: 'raw listener',
    timeoutMs: 3000,
  });
  onCleanup(() => socket.terminate());
  const frames: Array<{ json: Record<string, Record<string, unknown>> } | { binary: Buffer }> = [];
  socket.on('message', (data, isBinary) =>
    frames.push(
      isBinary
        ? { binary: data as Buffer }
        : { json: JSON.parse(data.toString()) as Record<string, Record<string, unknown>> },
    ),
  );
  return { socket, frames };
}

/** Answers `request` frames on a raw socket with 200 and the body length in a header. */
function answerRequests(socket: WebSocket, answered: string[] = []): string[] {
  let waiting: Record<string, unknown> | undefined;
  const reply = (request: Record<string, unknown>, bytes: number) => {
    answered.push(String(request.id));
    socket.send(
      JSON.stringify({
        response: {
          requestId: request.id,
          statusCode: 200,
          responseHeaders: { 'X-Bytes': String(bytes) },
          body: false,
        },
      }),
    );
  };
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      if (waiting) reply(waiting, (data as Buffer).length);
      waiting = undefined;
      return;
    }
    const { request } = JSON.parse(data.toString()) as { request?: Record<string, unknown> };
    if (!request?.method) return;
    if (request.body) waiting = request;
    else reply(request, 0);
  });
  return answered;
}

interface PlainResponse {
  status?: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  reusedSocket: boolean;
}

/** node:http, so a test controls the connection (keep-alive) and sees the raw response. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer; agent?: Agent },
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks),
            reusedSocket: req.reusedSocket,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function keepAliveAgent(): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  onCleanup(() => agent.destroy());
  return agent;
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

  it('sends a 65 536-byte body inline on the control channel and a 70 000-byte body only over a rendezvous', async () => {
    const emulator = await startEmulator();
    const { socket, frames } = await rawControlChannel(emulator.url);
    answerRequests(socket);
    const headers = { ServiceBusAuthorization: sendToken(emulator.url) };
    const url = httpUrl(emulator.url, PATH);

    const inline = await send(url, { method: 'PUT', headers, body: Buffer.alloc(65_536, 1) });
    expect(inline.status).toBe(200);
    expect(inline.headers['x-bytes']).toBe('65536');
    expect(frames).toHaveLength(2);
    const announced = frames[0] as { json: { request: Record<string, unknown> } };
    expect(announced.json.request).toMatchObject({ method: 'PUT', body: true });
    expect((frames[1] as { binary: Buffer }).binary.length).toBe(65_536);

    frames.length = 0;
    const large = send(url, { method: 'PUT', headers, body: Buffer.alloc(70_000, 2) });
    await eventually(() => frames.length === 1, 'the rendezvous announcement');
    // Only the address travels on the control channel: no method, no headers, no body frame.
    const { request } = (frames[0] as { json: { request: Record<string, unknown> } }).json;
    expect(Object.keys(request)).toEqual(['address']);
    expect(String(request.address)).toMatch(/sb-hc-action=request/);
    const rendezvous = await openRelaySocket(String(request.address), {
      phase: 'rendezvous',
      purpose: 'raw request rendezvous',
      timeoutMs: 3000,
    });
    onCleanup(() => rendezvous.terminate());
    answerRequests(rendezvous);
    const response = await large;
    expect(response.status).toBe(200);
    expect(response.headers['x-bytes']).toBe('70000');
    expect(frames).toHaveLength(1);
  });

  it('refuses a request-rendezvous address that is malformed (400), reused or expired (403)', async () => {
    // An address lives 2 s: long enough that the two malformed tries and the real one all fit in
    // it on a loaded machine (200 ms did not), and the sender's 504 comes well after it expires.
    const emulator = await startEmulator({ rendezvousTtlMs: 2_000, httpResponseTimeoutMs: 5_000 });
    const { socket, frames } = await rawControlChannel(emulator.url);
    answerRequests(socket);
    const headers = { ServiceBusAuthorization: sendToken(emulator.url) };
    const url = httpUrl(emulator.url, PATH);
    const open = (address: string) =>
      openRelaySocket(address, { phase: 'rendezvous', purpose: 'rendezvous', timeoutMs: 3000 });
    const announced = async (count: number) => {
      await eventually(() => frames.length === count, 'a rendezvous announcement');
      const frame = frames[count - 1] as { json: { request: { address: string } } };
      return frame.json.request.address;
    };

    const first = send(url, { method: 'PUT', headers, body: Buffer.alloc(70_000) });
    const address = await announced(1);
    const withoutKey = new URL(address);
    withoutKey.searchParams.delete('sb-hc-rendezvous');
    const notOurs = new URL(address);
    notOurs.searchParams.set('sb-hc-rendezvous', 'guessed');
    for (const malformed of [withoutKey, notOurs]) {
      const error = await rejectionOf(open(malformed.toString()));
      expect(error).toMatchObject({ statusCode: 400, phase: 'rendezvous' });
      expect(error.message).toMatch(/rendezvous URL is not valid/);
    }
    // The malformed tries did not use the address up: it still opens, once.
    const rendezvous = await open(address);
    onCleanup(() => rendezvous.terminate());
    answerRequests(rendezvous);
    expect((await first).status).toBe(200);
    const reused = await rejectionOf(open(address));
    expect(reused).toBeInstanceOf(RelayForbiddenError);
    expect(reused.message).toMatch(/has expired/);

    // A second sender connection, whose address the listener leaves unused past its lifetime.
    const second = send(url, {
      method: 'PUT',
      headers,
      body: Buffer.alloc(70_000),
      agent: keepAliveAgent(),
    });
    const late = await announced(2);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const expired = await rejectionOf(open(late));
    expect(expired).toBeInstanceOf(RelayForbiddenError);
    expect(expired).toMatchObject({ statusCode: 403, retryable: false });
    // The sender is then told the listener did not answer in time.
    expect((await second).status).toBe(504);
  });

  it('carries a large request body over a rendezvous socket to the listener', async () => {
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

  it('keeps a rendezvous for the sender connection and routes its later requests over it', async () => {
    const emulator = await startEmulator();
    const { socket, frames } = await rawControlChannel(emulator.url);
    answerRequests(socket);
    const agent = keepAliveAgent();
    const headers = { ServiceBusAuthorization: sendToken(emulator.url) };
    const url = httpUrl(emulator.url, PATH);
    const first = send(url, { method: 'PUT', headers, body: Buffer.alloc(70_000), agent });
    await eventually(() => frames.length === 1, 'the rendezvous announcement');
    const { request } = (frames[0] as { json: { request: Record<string, unknown> } }).json;
    const rendezvous = await openRelaySocket(String(request.address), {
      phase: 'rendezvous',
      purpose: 'raw request rendezvous',
      timeoutMs: 3000,
    });
    onCleanup(() => rendezvous.terminate());
    const overRendezvous = answerRequests(rendezvous);
    expect((await first).status).toBe(200);

    const second = await send(`${url}/again`, { headers, agent });
    expect(second.status).toBe(200);
    expect(second.reusedSocket).toBe(true);
    expect(overRendezvous).toHaveLength(2);
    expect(frames).toHaveLength(1); // nothing more on the control channel

    const closed = new Promise<number>((resolve) => rendezvous.once('close', resolve));
    agent.destroy();
    expect(await closed).toBe(1000);
  });

  it('lets a listener serve a second request of a keep-alive connection on its rendezvous', async () => {
    const { emulator, seen, url } = await httpListener();
    const agent = keepAliveAgent();
    const headers = { ServiceBusAuthorization: sendToken(emulator.url) };
    const first = await send(url, {
      method: 'PUT',
      headers,
      body: Buffer.alloc(70_000, 5),
      agent,
    });
    expect(first.status).toBe(200);
    expect(first.headers['x-echo-bytes']).toBe('70000');
    // With the control channel out of routing, only the kept rendezvous can carry the second.
    expect(emulator.silenceListeners(PATH)).toBe(1);
    const second = await send(`${url}/second`, {
      method: 'POST',
      headers,
      body: Buffer.from('hi'),
      agent,
    });
    expect(second.reusedSocket).toBe(true);
    expect(second.status).toBe(201);
    expect(second.body.toString()).toBe('hi');
    expect(seen.map((r) => r.target)).toEqual([`/${PATH}`, `/${PATH}/second`]);
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

  it.each([[502], [504]])(
    'refuses a listener response with status %d and answers the sender 502 with a reason',
    async (statusCode) => {
      const emulator = await startEmulator();
      await startListener(emulator, {
        onRequest: () => ({ statusCode, statusDescription: 'made up by the listener' }),
      }).waitUntilOnline(3000);
      const response = await fetch(httpUrl(emulator.url, PATH), {
        headers: { ServiceBusAuthorization: sendToken(emulator.url) },
      });
      expect(response.status).toBe(502);
      expect(await response.text()).toMatch(
        new RegExp(`listener answered with status ${statusCode}, which listeners must not send`),
      );
    },
  );

  it('where client authorization is off, ignores and strips sender tokens and passes Authorization through', async () => {
    const emulator = await startEmulator({
      entities: [
        {
          path: 'open-hc',
          requiresClientAuthorization: false,
          keys: [{ name: 'listen', key: 'k', rights: ['Listen'] }],
        },
      ],
    });
    const seen: RelayHttpRequest[] = [];
    await startListener(emulator, {
      path: 'open-hc',
      keyName: 'listen',
      key: 'k',
      onRequest: (request) => {
        seen.push(request);
        return { statusCode: 200 };
      },
    }).waitUntilOnline(3000);
    const response = await fetch(
      `${httpUrl(emulator.url, 'open-hc')}/app?sb-hc-token=not-a-token&x=1`,
      {
        headers: {
          Authorization: 'Bearer app-token',
          ServiceBusAuthorization: 'SharedAccessSignature sr=x&sig=bad&se=1&skn=nobody',
        },
      },
    );
    expect(response.status).toBe(200);
    expect(seen[0]!.target).toBe('/open-hc/app?x=1');
    expect(seen[0]!.headers.authorization).toBe('Bearer app-token');
    expect(Object.keys(seen[0]!.headers).map((h) => h.toLowerCase())).not.toContain(
      'servicebusauthorization',
    );
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
    const control = await openRelaySocket(listenUrl(emulator.url), {
      phase: 'handshake',
      purpose: 'raw listener',
      timeoutMs: 3000,
    });
    onCleanup(() => control.terminate());
    const documentResponse = JSON.parse(fixture('response.golden.json')) as {
      response: Record<string, unknown>;
    };
    // Raw JSON on both sides: a schema parse could add or drop keys and hide a difference.
    const documentRequest = JSON.parse(fixture('request.golden.json')) as {
      request: Record<string, unknown>;
    };
    const rawKeys: string[][] = [];
    control.on('message', (data, isBinary) => {
      if (isBinary) return;
      const raw = JSON.parse(data.toString()) as { request: Record<string, unknown> };
      rawKeys.push(Object.keys(raw), Object.keys(raw.request));
      const { request } = requestMessageSchema.parse(raw);
      control.send(
        JSON.stringify({ response: { ...documentResponse.response, requestId: request.id } }),
      );
      control.send(Buffer.from('{ "hey" : "mydata" }'));
    });
    // node:http, not fetch: fetch would try to gunzip the document's (not really gzipped) body.
    const response = await send(`${httpUrl(emulator.url, PATH)}/abc/def?myarg=value`, {
      headers: { ServiceBusAuthorization: sendToken(emulator.url) },
    });
    // Same properties as the document's example, at both levels.
    expect(rawKeys[0]).toEqual(Object.keys(documentRequest));
    expect([...rawKeys[1]!].sort()).toEqual(Object.keys(documentRequest.request).sort());
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.body.toString()).toBe('{ "hey" : "mydata" }');
  });
});
