#!/usr/bin/env node
// Runs the whole system on this machine: what `npm start` does after building.
// Each part runs as its own process, as in production; their JSON logs are shown one line each,
// prefixed with the part's name. Ctrl-C stops everything cleanly.
//
// Every part runs in its own process group (`detached`): Ctrl-C in a terminal signals the whole
// foreground group at once, which would stop the relay and the database under the services
// (they then log lost connections). So only this script gets the terminal's signal, and it stops
// the parts one by one, in reverse order. A watchdog (this file again, with --watchdog) stops them
// too if this script dies without doing it, even by SIGKILL.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');

if (process.argv[2] === '--watchdog') await watchdog();

/**
 * Reads the process group of each started part, one a line, from this script's stdin. `done`
 * means the parts were stopped; anything else that ends stdin means this script died: the groups
 * get SIGTERM in reverse order, each up to 5 s before SIGKILL, so none is left running.
 */
async function watchdog() {
  // It must outlive the terminal's Ctrl-C and hang-up, as the parts do.
  for (const signal of ['SIGINT', 'SIGHUP']) process.on(signal, () => undefined);
  const groups = [];
  let done = false;
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line === 'done') done = true;
    else groups.push(Number(line));
  }
  if (!done) {
    for (const group of groups.reverse()) {
      if (!signalGroup(group, 'SIGTERM')) continue;
      const deadline = Date.now() + 5_000;
      while (running(group) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      signalGroup(group, 'SIGKILL');
    }
  }
  process.exit(0);
}

/**
 * Whether a part (the leader of its group) still runs. An orphan that has exited stays a zombie
 * until the system reaps it, and a zombie still takes signals: /proc tells it apart on Linux.
 */
function running(pid) {
  if (!existsSync('/proc/self/stat')) return signalGroup(pid, 0);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Signals a whole process group; false when it no longer exists. */
function signalGroup(group, signal) {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}

const env = {
  ...process.env,
  AMQP_URL: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};
const useStandIn = !process.env.MONGODB_URL;
const standInPort = Number(process.env.MONGO_STAND_IN_PORT ?? 27017);
if (useStandIn) env.MONGODB_URL = `mongodb://127.0.0.1:${standInPort}`;

/** The parts, in start order. `ready` is the log line after which the next part may start. */
const parts = [
  ...(useStandIn
    ? [
        {
          name: 'mongodb',
          args: ['libs/testing/bin/mongo-stand-in.mjs', '--port', String(standInPort)],
          ready: /^ready /,
          shows: `${env.MONGODB_URL} (in-memory stand-in, NOT real MongoDB: data is lost on stop; set MONGODB_URL to use a real one)`,
        },
      ]
    : []),
  {
    name: 'relay-emulator',
    args: ['services/relay-emulator/dist/src/main.js'],
    ready: /relay emulator listening/,
    shows: `ws://127.0.0.1:${process.env.RELAY_EMULATOR_PORT ?? 9090} (Azure Relay Hybrid Connections emulator)`,
  },
  {
    name: 'hospital-sink',
    args: ['services/hospital-sink/dist/main.js'],
    env: { PORT: '3006' },
    ready: /hospital sink listening/,
    shows: 'http://127.0.0.1:3006 (the hospital: GET /received; acts as the modality)',
  },
  {
    name: 'gateway',
    args: ['gateway/dist/main.js'],
    env: { PORT: '3005' },
    ready: /gateway listening/,
    shows: 'http://127.0.0.1:3005 (hospital gateway: GET /health; data in .data/gateway)',
  },
  {
    name: 'appointment',
    args: ['services/appointment/dist/main.js'],
    env: { PORT: '3002' },
    ready: /appointment service listening/,
    shows:
      'http://127.0.0.1:3002 (settings, clinics, appointments: GET /clinics, /appointments/:id)',
  },
  {
    name: 'fhir-builder',
    args: ['services/fhir-builder/dist/main.js'],
    env: { PORT: '3003' },
    ready: /fhir-builder listening/,
    shows: 'http://127.0.0.1:3003 (destinations: GET /destinations, /message-types)',
  },
  {
    name: 'relay-dispatcher',
    args: ['services/relay-dispatcher/dist/main.js'],
    // The relay gateways may name: this emulator (the default allows only Azure's wss:// hosts).
    env: {
      PORT: '3004',
      DISPATCHER_RELAY_ENDPOINTS: `ws://127.0.0.1:${process.env.RELAY_EMULATOR_PORT ?? 9090}`,
    },
    ready: /relay-dispatcher listening/,
    shows: 'http://127.0.0.1:3004 (messages and gateways: GET /messages, /gateways)',
  },
  {
    name: 'web',
    args: ['services/web/dist/main.js'],
    env: { PORT: '3000' },
    ready: /web listening/,
    shows: 'http://127.0.0.1:3000 (the staff web application: open it in a browser)',
  },
];

const colours = [36, 35, 33, 32, 34, 31];
const children = [];
let stopping = false;

const guard = spawn(process.execPath, [self, '--watchdog'], {
  detached: true,
  stdio: ['pipe', 'ignore', 'inherit'],
});
// It exits by itself when its stdin ends; it must not keep this script running, and losing it
// must not stop the system.
guard.unref();
guard.stdin.on('error', () => undefined);

function prefix(name, index) {
  return `\x1b[${colours[index % colours.length]}m${name.padEnd(16)}\x1b[0m`;
}

/** The `msg` of a JSON log line, or the line itself. */
function messageOf(line) {
  if (!line.startsWith('{')) return line;
  try {
    return String(JSON.parse(line).msg ?? '');
  } catch {
    return line;
  }
}

/** One readable line per JSON log line: time, level, message and the interesting fields. */
function render(line) {
  try {
    const { time, level, msg, service: _s, ...rest } = JSON.parse(line);
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${String(time ?? '').slice(11, 23)} ${String(level ?? '').padEnd(5)} ${msg ?? ''} ${fields}`;
  } catch {
    return line;
  }
}

function start(part, index) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, part.args, {
      cwd: root,
      env: { ...env, ...part.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: the terminal's Ctrl-C reaches this script only (see the top).
      detached: true,
    });
    children.push({ part, child });
    guard.stdin.write(`${child.pid}\n`);
    let ready = false;
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        process.stdout.write(`${prefix(part.name, index)} ${render(line)}\n`);
        if (!ready && part.ready.test(messageOf(line))) {
          ready = true;
          resolve();
        }
      });
    }
    child.on('exit', (code, signal) => {
      if (stopping) resolve();
      else if (!ready)
        reject(
          new Error(`${part.name} exited before it was ready (code ${code}, signal ${signal})`),
        );
      else {
        process.stdout.write(
          `${prefix(part.name, index)} exited (code ${code}, signal ${signal}); stopping everything\n`,
        );
        stop(1);
      }
    });
  });
}

/** Stops every part, in reverse order, then exits with `exitCode` or dies by the signal `dieBy`. */
async function stop(exitCode = 0, dieBy = undefined) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping...\n');
  // Stop in reverse order: services before the infrastructure they use.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    signalGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  // Tell the watchdog all is stopped (once written, so it does not act on its stdin closing).
  await new Promise((resolve) => {
    guard.stdin.end('done\n', resolve);
    setTimeout(resolve, 1_000);
  });
  if (dieBy) {
    // After a hang-up, exiting normally makes Node restore the terminal's settings, which fails
    // (and aborts with an assertion) because the terminal is gone; dying by the signal does not.
    process.removeAllListeners(dieBy);
    process.kill(process.pid, dieBy);
  }
  process.exit(exitCode);
}

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5672) });
    socket.setTimeout(2_000);
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
// The terminal closed: its hang-up would otherwise end this script without stopping anything.
process.on('SIGHUP', () => stop(0, 'SIGHUP'));
// Output to a terminal that has closed fails; the parts must still be stopped.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
// A fault in this script: exit at once; the watchdog stops the parts (its stdin has closed).
for (const fault of ['uncaughtException', 'unhandledRejection'])
  process.on(fault, (error) => {
    console.error(error);
    process.exit(1);
  });

if (!(await reachable(env.AMQP_URL))) {
  const { hostname, port } = new URL(env.AMQP_URL);
  console.error(
    `RabbitMQ is not answering at ${hostname}:${port || 5672}. Start it (rabbitmq-server -detached) or set AMQP_URL.`,
  );
  process.exit(1);
}

try {
  for (const [index, part] of parts.entries()) {
    // Ctrl-C while starting: stop() has taken every part started so far; start no more.
    if (stopping) break;
    await start(part, index);
  }
} catch (error) {
  console.error(String(error));
  await stop(1);
}

const { hostname, port } = new URL(env.AMQP_URL);
if (!stopping)
  process.stdout.write(
    [
      '',
      'The system is running:',
      `  rabbitmq         amqp://${hostname}:${port || 5672}`,
      ...parts.map((part) => `  ${part.name.padEnd(16)} ${part.shows}`),
      '',
      'Open http://127.0.0.1:3000 and sign in (development accounts):',
      `  clinic staff     ada / screening-staff-dev`,
      `  administrator    ${process.env.WEB_ADMIN_USERNAME ?? 'admin'} / ${
        process.env.WEB_ADMIN_PASSWORD ? '(WEB_ADMIN_PASSWORD)' : 'screening-admin-dev'
      }`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
