import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a test that must know a server's
 * address before the server starts (a client that retries until it appears). Another process
 * could take it in between; on a test machine that is rare enough to accept.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
