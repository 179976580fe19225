import net from 'node:net';

/** What a raw socket saw from a server. */
export interface SocketProbe {
  /** Everything the server wrote before closing (or before the probe gave up). */
  readonly answer: string;
  /** Milliseconds from connecting to the server's close, or undefined when it stayed open. */
  readonly closedAfterMs: number | undefined;
}

/**
 * Opens a real TCP socket to 127.0.0.1:`port`, writes `bytes` (a request, or deliberately part of
 * one, as a slow or stalled client would) and waits up to `waitMs` for the server to close it.
 * For tests of timeouts and connection caps, which fastify.inject cannot reach.
 */
export function probeSocket(port: number, bytes: string, waitMs: number): Promise<SocketProbe> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    const giveUp = setTimeout(() => {
      socket.removeAllListeners('close');
      socket.destroy();
      resolve({ answer, closedAfterMs: undefined });
    }, waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    // A reset is a close like any other here; the 'close' event follows.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => socket.write(bytes));
  });
}
