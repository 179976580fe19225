import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RelayListener } from './listener';

/**
 * A relay of its own for the test: it takes the listener's control channel and answers with
 * whatever `accept` and `request` messages the test sends, as a compromised or misbehaving relay
 * could. A trap server records every connection anyone makes to it.
 */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the listener follows rendezvous addresses on its own relay's host only", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setUp() {
    const relayHttp = createServer();
    const relay = new WebSocketServer({ server: relayHttp });
    const controls: WebSocket[] = [];
    const rendezvous: string[] = [];
    relay.on('connection', (socket, request) => {
      if (/sb-hc-action=listen/.test(request.url ?? '')) controls.push(socket);
      else rendezvous.push(request.url ?? '');
    });
    const relayHost = await listen(relayHttp);

    const trapHttp = createServer();
    const trapped: string[] = [];
    trapHttp.on('upgrade', (request, socket) => {
      trapped.push(request.url ?? '');
      socket.destroy();
    });
    trapHttp.on('request', (request, response) => {
      trapped.push(request.url ?? '');
      response.end();
    });
    const trapHost = await listen(trapHttp);

    const connections: string[] = [];
    const listener = new RelayListener({
      endpoint: `ws://${relayHost}`,
      path: 'gateway-a',
      keyName: 'listen',
      key: 'a-test-key',
      onConnection: (_socket, info) => connections.push(info.id),
      onRequest: async () => ({ statusCode: 200, body: 'ok' }),
    });
    listener.start();
    cleanups.push(async () => {
      await listener.stop();
      relay.close();
      relayHttp.closeAllConnections();
      await new Promise((resolve) => relayHttp.close(resolve));
      trapHttp.closeAllConnections();
      await new Promise((resolve) => trapHttp.close(resolve));
    });
    const deadline = Date.now() + 10_000;
    while (controls.length === 0) {
      if (Date.now() > deadline) throw new Error('the listener never opened its control channel');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { control: controls[0]!, relayHost, trapHost, trapped, rendezvous, connections };
  }

  const accept = (id: string, host: string, scheme = 'ws') =>
    JSON.stringify({
      accept: {
        address: `${scheme}://${host}/$hc/gateway-a?sb-hc-action=accept&sb-hc-id=${id}`,
        id,
        connectHeaders: {},
      },
    });

  it('ignores an accept or a request whose address names another host, and follows its own', async () => {
    const { control, relayHost, trapHost, trapped, rendezvous } = await setUp();
    control.send(accept('elsewhere', trapHost));
    control.send(accept('other-scheme', relayHost, 'wss'));
    control.send(
      JSON.stringify({
        request: {
          address: `ws://${trapHost}/$hc/gateway-a?sb-hc-action=request&sb-hc-id=req-1`,
          id: 'req-1',
          requestTarget: '/',
          method: 'GET',
          requestHeaders: {},
          body: false,
        },
      }),
    );
    // Its own host: followed (so ignoring the others is a decision, not a broken listener).
    control.send(accept('home', relayHost));
    const deadline = Date.now() + 10_000;
    while (rendezvous.length === 0) {
      if (Date.now() > deadline) throw new Error('the listener never followed its own accept');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rendezvous).toEqual(['/$hc/gateway-a?sb-hc-action=accept&sb-hc-id=home']);
    expect(trapped).toEqual([]);
  });
});
