#!/usr/bin/env node
// Runs the whole system on this machine: what `npm start` does after building.
// Each part runs as its own process, as in production; their JSON logs are shown one line each,
// prefixed with the part's name. Ctrl-C stops everything cleanly.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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
    env: { PORT: '3004' },
    ready: /relay-dispatcher listening/,
    shows: 'http://127.0.0.1:3004 (messages and gateways: GET /messages, /gateways)',
  },
];

const colours = [36, 35, 33, 32, 34, 31];
const children = [];
let stopping = false;

function prefix(name, index) {
  return `\x1b[${colours[index % colours.length]}m${name.padEnd(16)}\x1b[0m`;
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
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push({ part, child });
    let ready = false;
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        process.stdout.write(`${prefix(part.name, index)} ${render(line)}\n`);
        if (!ready && part.ready.test(line.startsWith('{') ? (JSON.parse(line).msg ?? '') : line)) {
          ready = true;
          resolve();
        }
      });
    }
    child.on('exit', (code, signal) => {
      if (!ready)
        reject(
          new Error(`${part.name} exited before it was ready (code ${code}, signal ${signal})`),
        );
      else if (!stopping) {
        process.stdout.write(
          `${prefix(part.name, index)} exited (code ${code}); stopping everything\n`,
        );
        stop(1);
      }
    });
  });
}

async function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping...\n');
  // Stop in reverse order: services before the infrastructure they use.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
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

if (!(await reachable(env.AMQP_URL))) {
  const { hostname, port } = new URL(env.AMQP_URL);
  console.error(
    `RabbitMQ is not answering at ${hostname}:${port || 5672}. Start it (rabbitmq-server -detached) or set AMQP_URL.`,
  );
  process.exit(1);
}

try {
  for (const [index, part] of parts.entries()) await start(part, index);
} catch (error) {
  console.error(String(error));
  await stop(1);
}

const { hostname, port } = new URL(env.AMQP_URL);
process.stdout.write(
  [
    '',
    'The system is running:',
    `  rabbitmq         amqp://${hostname}:${port || 5672}`,
    ...parts.map((part) => `  ${part.name.padEnd(16)} ${part.shows}`),
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
