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
//
// The processes, their order, entry points, ports and wiring come from the one table of them,
// @mbs/processes (built by `npm start` before this runs); each is ready when its health route
// answers (a TCP connect for the relay emulator and the MongoDB stand-in).
//
// Each process on the bus connects as a broker user of its own, allowed only its role
// (docs/adr/0005): before anything starts, one `rabbitmqctl import_definitions` run makes or
// updates them on this machine's broker, their passwords made on first use and kept in
// .data/broker-users.json.
//
// web signs staff tokens and commands with its key, and the services verify them with its public
// keys (docs/adr/0006): the development keys are made on first start and kept in .data/keys
// (ensureDevKeys), and each part is given the key variables the table says it reads.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  devKeysDir,
  ensureDevKeys,
  keyEnvironment,
  probe,
  processEnvironment,
  processUrls,
  setUpDevelopmentBrokerUsers,
  systemProcesses,
  waitUntilReady,
} from '@mbs/processes';

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

/**
 * Where each process listens: its code's default port. The relay emulator's may be moved with
 * RELAY_EMULATOR_PORT, a variable only it reads; PORT is every service's, so it is not taken.
 */
const ports = Object.fromEntries(
  systemProcesses.map(({ name, listen }) => {
    const given = listen.portVariable === 'PORT' ? undefined : process.env[listen.portVariable];
    return [name, given ? Number(given) : listen.defaultPort];
  }),
);
const urls = processUrls(ports);
const keys = await ensureDevKeys(devKeysDir(root));

/** How long a part may take to be ready before everything is stopped. */
const READY_TIMEOUT_MS = 120_000;

/** The parts, in start order: the next one starts once `health` says this one is ready. */
const parts = [
  ...(useStandIn
    ? [
        {
          name: 'mongodb',
          args: ['libs/testing/bin/mongo-stand-in.mjs', '--port', String(standInPort)],
          url: env.MONGODB_URL,
          health: { kind: 'tcp' },
          shows: `${env.MONGODB_URL} (in-memory stand-in, NOT real MongoDB: data is lost on stop; set MONGODB_URL to use a real one)`,
        },
      ]
    : []),
  ...systemProcesses.map((part) => ({
    name: part.name,
    process: part,
    args: [part.entry],
    env: { ...processEnvironment(part, ports), ...keyEnvironment(part, keys.env) },
    url: urls[part.name],
    health: part.health,
    shows: `${urls[part.name]} (${part.shows})`,
  })),
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

async function start(part, index) {
  const child = spawn(process.execPath, part.args, {
    cwd: root,
    env: { ...env, ...part.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the terminal's Ctrl-C reaches this script only (see the top).
    detached: true,
  });
  children.push({ part, child });
  guard.stdin.write(`${child.pid}\n`);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${prefix(part.name, index)} ${render(line)}\n`);
    });
  }
  let ready = false;
  const exited = new AbortController();
  child.on('exit', (code, signal) => {
    if (stopping || !ready)
      exited.abort(
        new Error(`${part.name} exited before it was ready (code ${code}, signal ${signal})`),
      );
    else {
      process.stdout.write(
        `${prefix(part.name, index)} exited (code ${code}, signal ${signal}); stopping everything\n`,
      );
      stop(1);
    }
  });
  try {
    await waitUntilReady(part, { timeoutMs: READY_TIMEOUT_MS, signal: exited.signal });
    ready = true;
  } catch (error) {
    // Ctrl-C while it started: stop() is taking it down with the rest; that is no failure.
    if (!stopping) throw error;
  }
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

const tcp = { kind: 'tcp' };
const broker = new URL(env.AMQP_URL);
const brokerAddress = `${broker.hostname}:${broker.port || 5672}`;
if ((await probe({ name: 'rabbitmq', health: tcp, url: `tcp://${brokerAddress}` })) !== undefined) {
  console.error(
    `RabbitMQ is not answering at ${brokerAddress}. Start it (rabbitmq-server -detached) or set AMQP_URL.`,
  );
  process.exit(1);
}
/**
 * Each bus process's own broker user (docs/adr/0005), made or brought up to date in one
 * rabbitmqctl run. rabbitmqctl reaches only a broker on this machine: with AMQP_URL elsewhere,
 * or no rabbitmqctl, every part connects as AMQP_URL's user, and this says so.
 */
async function brokerUsers() {
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(broker.hostname);
  const fallback = `every part connects as AMQP_URL's user (${broker.username || 'guest'})`;
  if (!local) {
    console.warn(`RabbitMQ is not on this machine: no broker users of their own; ${fallback}.`);
    return undefined;
  }
  try {
    return await setUpDevelopmentBrokerUsers({
      adminUrl: env.AMQP_URL,
      namespace: process.env.BUS_NAMESPACE || 'mbs',
      file: path.join(root, '.data', 'broker-users.json'),
    });
  } catch (error) {
    console.warn(`Broker users not set up (${error.message}); ${fallback}.`);
    return undefined;
  }
}
const users = await brokerUsers();
if (users) {
  // Only the bus processes get a broker URL, each its own; nobody gets the administrator's.
  delete env.AMQP_URL;
  for (const part of parts) {
    if (part.process?.broker)
      Object.assign(part.env, processEnvironment(part.process, ports, users.urls));
  }
}

// A part is ready when its port answers: one already taken (another npm start, say) would answer
// for it. Say so now rather than start into it.
for (const part of parts) {
  if ((await probe({ ...part, health: tcp })) === undefined) {
    const { port } = new URL(part.url);
    console.error(
      `Port ${port}, where ${part.name} listens, is already in use: is the system already running?`,
    );
    process.exit(1);
  }
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

if (!stopping)
  process.stdout.write(
    [
      '',
      'The system is running:',
      `  rabbitmq         amqp://${brokerAddress}${
        users
          ? `, a user for each part: ${users.usernames.join(', ')} (passwords in .data/broker-users.json)`
          : ` as ${broker.username || 'guest'} for every part`
      }`,
      ...parts.map((part) => `  ${part.name.padEnd(16)} ${part.shows}`),
      '',
      `Open ${urls.web} and sign in (development accounts):`,
      `  clinic staff     ada / screening-staff-dev`,
      `  administrator    ${process.env.WEB_ADMIN_USERNAME ?? 'admin'} / ${
        process.env.WEB_ADMIN_PASSWORD ? '(WEB_ADMIN_PASSWORD)' : 'screening-admin-dev'
      }`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
