import { deleteNamespace } from './broker-namespace';
import { RabbitmqctlError } from './errors';
import { getRabbitMq, type ExecResult, type RabbitMq } from './rabbitmq';
import { closeConnectionsNamed, listConnections, rabbitmqctl, restartBroker } from './rabbitmqctl';

// There is no container engine here, so the container is a fake that records what was run in
// it and answers like RabbitMQ 3.13 would. Every call also names a host `rabbitmqctl` that does
// not exist: had anything gone to this machine instead, it would fail `rabbitmqctl_unavailable`.
const NOT_ON_THIS_MACHINE = { command: '/nonexistent/rabbitmqctl' };
const URL = 'amqp://guest:guest@localhost:32771';

function fakeContainer(answer: (args: readonly string[]) => Promise<ExecResult> | ExecResult) {
  const ran: string[][] = [];
  let stopped = 0;
  return {
    ran,
    get stopped() {
      return stopped;
    },
    started: {
      url: URL,
      exec: async (command: readonly string[]) => {
        ran.push([...command]);
        return answer(command.slice(1));
      },
      stop: async () => void stopped++,
    },
  };
}

const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });

async function containerBroker(container: ReturnType<typeof fakeContainer>): Promise<RabbitMq> {
  const broker = await getRabbitMq({
    env: {},
    isContainerRuntimeReachable: async () => true,
    startContainer: async () => container.started,
  });
  expect(broker.kind).toBe('container');
  return broker;
}

describe('fault helpers against a Testcontainers broker run rabbitmqctl inside its container', () => {
  let broker: RabbitMq | undefined;
  afterEach(async () => {
    await broker?.stop();
    broker = undefined;
  });

  it('closes the named connection, listing and closing in the container', async () => {
    const container = fakeContainer(([what]) =>
      what === '-q'
        ? ok(
            '<rabbit@c0ffee.1.900.0>\t[{"connection_name","svc:publish"},{"product","amqplib"}]\n' +
              '<rabbit@c0ffee.1.901.0>\t[{"connection_name","someone-else"}]\n',
          )
        : ok(),
    );
    broker = await containerBroker(container);
    const closed = await closeConnectionsNamed('svc:publish', {
      broker,
      reason: 'fault test',
      ...NOT_ON_THIS_MACHINE,
    });
    expect(closed).toEqual(['<rabbit@c0ffee.1.900.0>']);
    expect(container.ran).toEqual([
      ['rabbitmqctl', '-q', 'list_connections', 'pid', 'client_properties', '--no-table-headers'],
      ['rabbitmqctl', 'close_connection', '<rabbit@c0ffee.1.900.0>', 'fault test'],
    ]);
  });

  it('restarts the RabbitMQ application inside the container, polling until it is up', async () => {
    let awaits = 0;
    const container = fakeContainer(([what]) =>
      what === 'await_startup' && ++awaits <= 2
        ? { exitCode: 69, stdout: '', stderr: 'not running yet' }
        : ok(),
    );
    broker = await containerBroker(container);
    await restartBroker({ broker, pollIntervalMs: 10, ...NOT_ON_THIS_MACHINE });
    expect(container.ran.map((command) => command.join(' '))).toEqual([
      'rabbitmqctl stop_app',
      'rabbitmqctl start_app',
      'rabbitmqctl await_startup',
      'rabbitmqctl await_startup',
      'rabbitmqctl await_startup',
    ]);
    // The container itself is never restarted (that could change its port, and so its URL).
    expect(container.stopped).toBe(0);
  });

  it('reports a failed command with its exit code and what it printed', async () => {
    const container = fakeContainer(() => ({
      exitCode: 2,
      stdout: '',
      stderr: 'Error: unable to perform an operation on node rabbit@c0ffee\n',
    }));
    broker = await containerBroker(container);
    const attempt = listConnections({ broker, ...NOT_ON_THIS_MACHINE });
    await expect(attempt).rejects.toBeInstanceOf(RabbitmqctlError);
    await expect(attempt).rejects.toMatchObject({ code: 'rabbitmqctl_failed' });
    await expect(attempt).rejects.toThrow(
      /rabbitmqctl -q list_connections .* \(in the broker's container\) failed \(exit 2\): Error: unable to perform/,
    );
  });

  it('reports an exec that cannot run (the container is gone) as a failure, not a hang', async () => {
    const container = fakeContainer(() => {
      throw new Error('(HTTP code 409) container is not running');
    });
    broker = await containerBroker(container);
    await expect(rabbitmqctl(['status'], { broker })).rejects.toMatchObject({
      code: 'rabbitmqctl_failed',
      message: expect.stringContaining('container is not running'),
    });
  });

  it('bounds every command in the container with the timeout', async () => {
    const container = fakeContainer(() => new Promise<ExecResult>(() => undefined));
    broker = await containerBroker(container);
    await expect(
      rabbitmqctl(['status'], { broker, timeoutMs: 50, ...NOT_ON_THIS_MACHINE }),
    ).rejects.toMatchObject({
      code: 'rabbitmqctl_timeout',
    });
  });

  it('deletes nothing in a container, given the broker or only its URL: the container is discarded', async () => {
    const container = fakeContainer(() => {
      throw new Error('deleteNamespace must not run anything in a container');
    });
    broker = await containerBroker(container);
    await expect(deleteNamespace(broker, 'suite.ns', NOT_ON_THIS_MACHINE)).resolves.toBe(0);
    await expect(deleteNamespace(broker.url, 'suite.ns', NOT_ON_THIS_MACHINE)).resolves.toBe(0);
    expect(container.ran).toEqual([]);

    // Once the container is stopped its URL names nothing this process started: the URL is
    // treated as any other broker's, here meeting the missing host rabbitmqctl.
    await broker.stop();
    await expect(deleteNamespace(URL, 'suite.ns', NOT_ON_THIS_MACHINE)).rejects.toMatchObject({
      code: 'rabbitmqctl_unavailable',
    });
  });
});
