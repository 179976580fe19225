#!/usr/bin/env node
// Runs "CongoDB", the in-memory MongoDB-wire-compatible stand-in from @push.rocks/smartmongo, as
// a process of its own. It is ESM-only, so it cannot be loaded inside jest's CommonJS world; and
// as a separate process it also serves `npm start` when no real MongoDB is configured.
//
// Usage: node libs/testing/bin/mongo-stand-in.mjs [--port 27017] [--host 127.0.0.1]
//                                                 [--stop-on-stdin-close]
//   --port 0 (the default) picks a free port.
//   --stop-on-stdin-close: stop when standard input closes, so a parent that dies (even killed)
//     never leaves the stand-in behind. Off by default: with stdin from /dev/null it would stop
//     at once.
//
// On start it prints exactly one line to stdout: `ready mongodb://HOST:PORT`. Everything else
// (notices, errors) goes to stderr. It stops cleanly on SIGINT and SIGTERM.
//
// It is NOT real MongoDB: no unique secondary indexes, no transactions (abort is a no-op), no
// change streams, no TTL expiry. See libs/testing/README.md.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'stop-on-stdin-close': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    'usage: mongo-stand-in.mjs [--port N] [--host H] [--stop-on-stdin-close]\n' +
      'Starts the in-memory MongoDB stand-in (CongoDB). Prints "ready mongodb://H:N" when it listens.\n',
  );
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(
    `mongo-stand-in: --port must be an integer 0..65535, got "${values.port}"\n`,
  );
  process.exit(2);
}

// Imported late so that argument errors are reported without loading the package.
const { CongoServer } = await import('@push.rocks/smartmongo/dist_ts/congodb/index.js');

const server = new CongoServer({ port, host: values.host, storage: 'memory' });

// Signal handlers go in before the ready line: a parent may signal the moment it reads it.
let stopping = false;
async function stop(reason) {
  if (stopping) {
    // A second signal while stopping: the user wants out now.
    process.exit(1);
  }
  stopping = true;
  process.stderr.write(`mongo-stand-in: stopping (${reason})\n`);
  // Never hang on a stuck client socket: stop() closes them, but bound it all the same.
  const timer = setTimeout(() => process.exit(0), 3000);
  timer.unref();
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
}

process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
if (values['stop-on-stdin-close']) {
  process.stdin.on('end', () => void stop('stdin closed'));
  process.stdin.on('error', () => void stop('stdin error'));
  process.stdin.resume();
}

try {
  await server.start();
} catch (error) {
  process.stderr.write(
    `mongo-stand-in: could not listen on ${values.host}:${port}: ${error?.message ?? error}\n`,
  );
  process.exit(1);
}

if (!stopping) {
  // CongoServer reports the port it was asked for; with --port 0 the real one is on its net.Server.
  const address = server.server?.address?.();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`ready mongodb://${values.host}:${actualPort}\n`);
}
