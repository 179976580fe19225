import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { RabbitmqctlError, TestEnvironmentError } from './errors';
import { getRabbitMq, type RabbitMq } from './rabbitmq';
import {
  closeConnectionsNamed,
  listConnections,
  parseConnections,
  restartBroker,
} from './rabbitmqctl';
import { uniqueName } from './unique-name';

// Captured from RabbitMQ 3.10 on this machine (`-q list_connections pid client_properties
// --no-table-headers`), one connection named with quotes and a comma, one without a name.
const SAMPLE =
  '<rabbit@localhost.1795658177.793.0>\t[{"connection_name","probe-a \\"x\\", y"},{"product","amqplib"},' +
  '{"capabilities",[{"publisher_confirms",true}]}]\n' +
  '<rabbit@localhost.1795658177.801.0>\t[{"product","amqplib"},{"version","2.3.1"}]\n';

describe('parsing rabbitmqctl list_connections', () => {
  it('reads each pid and its connection_name, unescaping quotes', () => {
    expect(parseConnections(SAMPLE)).toEqual([
      { pid: '<rabbit@localhost.1795658177.793.0>', connectionName: 'probe-a "x", y' },
      { pid: '<rabbit@localhost.1795658177.801.0>', connectionName: undefined },
    ]);
    expect(parseConnections('')).toEqual([]);
  });
});

describe('rabbitmqctl failures', () => {
  it('says rabbitmqctl is missing (e.g. against a remote AMQP_URL)', async () => {
    const attempt = listConnections({ command: '/nonexistent/rabbitmqctl' });
    await expect(attempt).rejects.toBeInstanceOf(TestEnvironmentError);
    await expect(attempt).rejects.toMatchObject({ code: 'rabbitmqctl_unavailable' });
  });
});

describe('restartBroker and timeouts (a recording fake rabbitmqctl; the shared broker is never restarted)', () => {
  let dir: string;
  let fakeCtl: string;
  let log: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fake-rabbitmqctl-'));
    fakeCtl = path.join(dir, 'rabbitmqctl');
    log = path.join(dir, 'calls.log');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function writeFake(awaitStartupFailures: number) {
    // Records its arguments; await_startup exits 69 (as RabbitMQ does right after start_app)
    // the first N times.
    await writeFile(
      fakeCtl,
      `#!/bin/sh
echo "$*" >> "${log}"
if [ "$1" = await_startup ]; then
  n=$(grep -c '^await_startup' "${log}")
  if [ "$n" -le ${awaitStartupFailures} ]; then echo "not running yet" >&2; exit 69; fi
fi
exit 0
`,
    );
    await chmod(fakeCtl, 0o755);
  }

  it('stops the app, starts it, then polls await_startup until it succeeds', async () => {
    await writeFake(2);
    await restartBroker({ command: fakeCtl, pollIntervalMs: 10 });
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      'stop_app',
      'start_app',
      'await_startup',
      'await_startup',
      'await_startup',
    ]);
  });

  it.each(['local', 'environment'] as const)(
    "runs this machine's rabbitmqctl for a %s broker",
    async (kind) => {
      await writeFake(0);
      const broker = { kind, url: 'amqp://guest:guest@127.0.0.1:5672', stop: async () => {} };
      await restartBroker({ broker, command: fakeCtl, pollIntervalMs: 10 });
      expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
        'stop_app',
        'start_app',
        'await_startup',
      ]);
    },
  );

  it('bounds every invocation with a timeout', async () => {
    await writeFile(fakeCtl, '#!/bin/sh\nsleep 5\n');
    await chmod(fakeCtl, 0o755);
    await expect(listConnections({ command: fakeCtl, timeoutMs: 100 })).rejects.toMatchObject({
      code: 'rabbitmqctl_timeout',
    });
  });

  it('gives up with the last failure when the broker does not come back in time', async () => {
    await writeFake(1_000);
    const attempt = restartBroker({ command: fakeCtl, pollIntervalMs: 20, readyTimeoutMs: 200 });
    await expect(attempt).rejects.toBeInstanceOf(RabbitmqctlError);
    await expect(attempt).rejects.toThrow(/await_startup failed \(exit 69\): not running yet/);
  });

  it('refuses nonsense timings and a missing rabbitmqctl before touching anything', async () => {
    await expect(restartBroker({ readyTimeoutMs: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(restartBroker({ command: '/nonexistent/rabbitmqctl' })).rejects.toMatchObject({
      code: 'rabbitmqctl_unavailable',
    });
  });
});

describe('closeConnectionsNamed (real RabbitMQ)', () => {
  let broker: RabbitMq;
  beforeAll(async () => {
    broker = await getRabbitMq();
  });
  afterAll(() => broker.stop());

  it('closes only the connection with the given connection_name; the other survives', async () => {
    const victimName = uniqueName('testing.victim');
    const bystanderName = uniqueName('testing.bystander');
    const victim = await amqp.connect(broker.url, {
      clientProperties: { connection_name: victimName },
    });
    const bystander = await amqp.connect(broker.url, {
      clientProperties: { connection_name: bystanderName },
    });
    try {
      const victimClosed = new Promise<void>((resolve) => victim.once('close', () => resolve()));
      victim.on('error', () => undefined); // the broker's close arrives as a connection error
      // The broker getRabbitMq returned picks where rabbitmqctl runs (here: this machine's).
      const closed = await closeConnectionsNamed(victimName, { broker });
      expect(closed).toHaveLength(1);
      await victimClosed;

      // The bystander still works: a channel opens and a round trip through a queue succeeds.
      const channel = await bystander.createChannel();
      const { queue } = await channel.assertQueue('', { exclusive: true });
      channel.sendToQueue(queue, Buffer.from('still here'));
      await expect(waitForMessage(channel, queue)).resolves.toBe('still here');
      const remaining = await listConnections({ broker });
      expect(remaining.some((c) => c.connectionName === bystanderName)).toBe(true);
      expect(remaining.some((c) => c.connectionName === victimName)).toBe(false);
    } finally {
      await bystander.close();
      await victim.close().catch(() => undefined);
    }
  });

  it('closes nothing when no connection has the name', async () => {
    await expect(closeConnectionsNamed(uniqueName('testing.nobody'))).resolves.toEqual([]);
  });
});

async function waitForMessage(channel: amqp.Channel, queue: string): Promise<string | undefined> {
  for (let i = 0; i < 50; i++) {
    const message = await channel.get(queue, { noAck: true });
    if (message) return message.content.toString();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}
