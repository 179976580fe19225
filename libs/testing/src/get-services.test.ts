import { getMongoDb } from './mongodb';
import { getRabbitMq } from './rabbitmq';
import { TestEnvironmentError } from './errors';
import { type StartedService } from './started-service';

// Deterministic: the environment and the container engine are injected, nothing is started.
function fake(url: string): StartedService & { stopped: number } {
  const service = {
    url,
    stopped: 0,
    async stop() {
      service.stopped += 1;
    },
  };
  return service;
}

/** A started broker container whose tools are never used by these tests. */
function fakeContainer(url: string) {
  return Object.assign(fake(url), {
    exec: async () => {
      throw new Error('getRabbitMq itself must not run anything in the container');
    },
  });
}

const neverProbed = async (): Promise<boolean> => {
  throw new Error('the container engine must not be probed when the environment names a URL');
};

describe('getRabbitMq: where the broker comes from', () => {
  it('uses AMQP_URL when it is set, without probing for a container engine', async () => {
    const broker = await getRabbitMq({
      env: { AMQP_URL: 'amqp://u:p@broker.example:5672' },
      isContainerRuntimeReachable: neverProbed,
    });
    expect(broker).toMatchObject({ kind: 'environment', url: 'amqp://u:p@broker.example:5672' });
    await broker.stop();
  });

  it('starts a container when AMQP_URL is unset (or blank) and an engine is reachable', async () => {
    const container = fakeContainer('amqp://guest:guest@localhost:32768');
    const images: string[] = [];
    const broker = await getRabbitMq({
      env: { AMQP_URL: '  ' },
      isContainerRuntimeReachable: async () => true,
      startContainer: async (image) => {
        images.push(image);
        return container;
      },
    });
    expect(broker).toMatchObject({ kind: 'container', url: container.url });
    expect(images).toEqual(['rabbitmq:3.13-management']);
    await broker.stop();
    await broker.stop();
    expect(container.stopped).toBe(1);
  });

  it('uses the local development broker, announced, when it answers and nothing else is set', async () => {
    const lines: string[] = [];
    const asked: string[] = [];
    const broker = await getRabbitMq({
      env: {},
      isContainerRuntimeReachable: async () => false,
      brokerAnswers: async (url) => (asked.push(url), true),
      announce: (line) => lines.push(line),
    });
    expect(broker).toMatchObject({ kind: 'local', url: 'amqp://guest:guest@127.0.0.1:5672' });
    expect(asked).toEqual(['amqp://guest:guest@127.0.0.1:5672']);
    expect(lines).toEqual([expect.stringContaining('using the local broker at 127.0.0.1:5672')]);
  });

  it('does not ask the local broker when a container engine answers', async () => {
    const broker = await getRabbitMq({
      env: {},
      isContainerRuntimeReachable: async () => true,
      startContainer: async () => fakeContainer('amqp://guest:guest@localhost:32768'),
      brokerAnswers: async () => {
        throw new Error('the local broker must not be asked when a container can start');
      },
    });
    expect(broker.kind).toBe('container');
  });

  it('fails, naming the variable to set, when there is no URL, engine or local broker', async () => {
    const attempt = getRabbitMq({
      env: {},
      isContainerRuntimeReachable: async () => false,
      brokerAnswers: async () => false,
    });
    await expect(attempt).rejects.toBeInstanceOf(TestEnvironmentError);
    await expect(attempt).rejects.toMatchObject({ code: 'rabbitmq_unavailable' });
    await expect(attempt).rejects.toThrow('AMQP_URL=amqp://guest:guest@127.0.0.1:5672');
  });
});

describe('getMongoDb: where MongoDB comes from', () => {
  it('uses MONGODB_URL when it is set, without probing for a container engine', async () => {
    const mongo = await getMongoDb({
      env: { MONGODB_URL: 'mongodb://db.example:27017' },
      isContainerRuntimeReachable: neverProbed,
      startStandIn: async () => {
        throw new Error('no stand-in when MONGODB_URL is set');
      },
    });
    expect(mongo).toMatchObject({ kind: 'environment', url: 'mongodb://db.example:27017' });
  });

  it('starts mongo:8 in a container when an engine is reachable', async () => {
    const container = fake('mongodb://localhost:32769/?directConnection=true');
    const mongo = await getMongoDb({
      env: {},
      isContainerRuntimeReachable: async () => true,
      startContainer: async (image) => {
        expect(image).toBe('mongo:8');
        return container;
      },
    });
    expect(mongo).toMatchObject({ kind: 'container', url: container.url });
    await mongo.stop();
    expect(container.stopped).toBe(1);
  });

  it('falls back to the stand-in and says so, with how to use real MongoDB', async () => {
    const standIn = fake('mongodb://127.0.0.1:40000');
    const notices: string[] = [];
    const mongo = await getMongoDb({
      env: {},
      isContainerRuntimeReachable: async () => false,
      startStandIn: async () => standIn,
      announce: (line) => notices.push(line),
    });
    expect(mongo).toMatchObject({ kind: 'stand-in', url: standIn.url });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('STAND-IN');
    expect(notices[0]).toContain('not real MongoDB');
    expect(notices[0]).toContain('MONGODB_URL=');
    expect(notices[0]).not.toContain('\n');
    await mongo.stop();
    expect(standIn.stopped).toBe(1);
  });

  it.each([
    [
      'reports that it exited',
      new TestEnvironmentError(
        'mongodb_stand_in_failed',
        'The MongoDB stand-in (bin/mongo-stand-in.mjs) exited before it was ready (code 1, signal null).',
      ),
      'exited before it was ready',
    ],
    ['throws something unexpected', new Error('spawn EACCES'), 'spawn EACCES'],
  ])(
    'fails, naming MONGODB_URL and how to get real MongoDB, when the stand-in %s',
    async (_, failure, detail) => {
      const notices: string[] = [];
      const error = await getMongoDb({
        env: { MONGODB_URL: ' ' },
        isContainerRuntimeReachable: async () => false,
        startStandIn: async () => {
          throw failure;
        },
        announce: (line) => notices.push(line),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TestEnvironmentError);
      expect(error).toMatchObject({ code: 'mongodb_stand_in_failed', cause: failure });
      const { message } = error as Error;
      expect(message).toContain('MONGODB_URL=mongodb://127.0.0.1:27017');
      expect(message).toContain('running MongoDB');
      expect(message).toContain('Docker engine');
      expect(message).toContain(detail);
      // No "using the stand-in" notice for a stand-in that never started.
      expect(notices).toEqual([]);
    },
  );

  it('gives every call its own database name, with the prefix kept readable', async () => {
    const options = { env: { MONGODB_URL: 'mongodb://db.example:27017' }, dbPrefix: 'store.idem' };
    const [a, b] = await Promise.all([getMongoDb(options), getMongoDb(options)]);
    expect(a?.dbName).not.toBe(b?.dbName);
    expect(a?.dbName).toMatch(/^store_idem_\d+_[0-9a-f]{8}$/);
  });
});
