import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { probe, waitUntilReady } from './readiness';

const health = { kind: 'http', path: '/health' } as const;

/** A server whose GET /health answers 503 `unhealthyFor` times, then 200. */
async function healthServer(unhealthyFor: number) {
  let hits = 0;
  const server = http.createServer((request, response) => {
    if (request.url !== '/health') return void response.writeHead(404).end();
    hits += 1;
    response.writeHead(hits > unhealthyFor ? 200 : 503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('waitUntilReady', () => {
  it('waits for the health route to answer 200, probing again after each other answer', async () => {
    const server = await healthServer(3);
    try {
      await waitUntilReady({ name: 'appointment', health, url: server.url }, { intervalMs: 10 });
      expect(server.hits()).toBe(4);
    } finally {
      await server.close();
    }
  });

  it('gives up after its timeout, naming the process, what the last probe saw and its last lines', async () => {
    const server = await healthServer(Infinity);
    try {
      await expect(
        waitUntilReady(
          { name: 'appointment', health, url: server.url },
          { timeoutMs: 300, intervalMs: 20, recentLogs: () => '  [appointment] bus unreachable' },
        ),
      ).rejects.toThrow(
        `appointment was not ready within 300 ms (last probe: GET ${server.url}/health answered 503):\n  [appointment] bus unreachable`,
      );
    } finally {
      await server.close();
    }
  });

  it('takes a connection as ready for a process checked by TCP', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await waitUntilReady({
        name: 'relay-emulator',
        health: { kind: 'tcp' },
        url: `ws://127.0.0.1:${port}`,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops waiting when told to (the process exited), with the reason given', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    const waiting = waitUntilReady(
      { name: 'gateway', health, url: `http://127.0.0.1:${port}` },
      { intervalMs: 60_000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('gateway exited (code 1)')), 50);
    await expect(waiting).rejects.toThrow('gateway exited (code 1)');
  });
});

describe('probe', () => {
  it('says what it saw when nothing answers', async () => {
    const port = await closedPort();
    await expect(probe({ name: 'web', health, url: `http://127.0.0.1:${port}` })).resolves.toMatch(
      new RegExp(`^GET http://127.0.0.1:${port}/health: .*ECONNREFUSED`),
    );
    await expect(
      probe({ name: 'relay-emulator', health: { kind: 'tcp' }, url: `ws://127.0.0.1:${port}` }),
    ).resolves.toMatch(new RegExp(`^connect to 127.0.0.1:${port}: .*ECONNREFUSED`));
  });
});
