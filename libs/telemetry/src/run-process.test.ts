import { Writable } from 'node:stream';
import { runProcess, type ProcessContext } from './run-process';
import type { Telemetry } from './start-telemetry';

interface Line {
  level: string;
  msg: string;
  service: string;
  err?: string;
  signal?: string;
  address?: string;
}

function collectedLines() {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return { lines, destination };
}

/** Signals are delivered to the listeners (process.emit), and exit is caught, not taken. */
describe('runProcess (the lifecycle of every main.ts)', () => {
  let exit: jest.SpyInstance;
  const exited = () => new Promise<number>((resolve) => exit.mockImplementation(resolve));
  const identity = { name: 'thing service', service: 'thing' };
  let steps: string[];
  const telemetry: Telemetry = {
    enabled: false,
    shutdown: async () => void steps.push('telemetry flushed'),
  };
  const config = { LOG_LEVEL: 'info' as const, PORT: 3999 };

  beforeEach(() => {
    steps = [];
    exit = jest.spyOn(process, 'exit');
  });
  afterEach(() => {
    exit.mockRestore();
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
  });

  it('starts with its configuration, says where it listens, and on SIGTERM stops its steps once, then telemetry', async () => {
    const { lines, destination } = collectedLines();
    const start = jest.fn(async (_context: ProcessContext<typeof config>) => ({
      listening: { address: 'http://127.0.0.1:3999' },
      stop: async () => void steps.push('server closed', 'bus closed'),
    }));
    await runProcess(identity, telemetry, { config: () => config, start }, destination);
    expect(start).toHaveBeenCalledWith({ config, logger: expect.anything() });
    expect(lines).toMatchObject([
      {
        level: 'info',
        msg: 'thing service listening',
        service: 'thing',
        address: 'http://127.0.0.1:3999',
      },
    ]);

    const code = exited();
    process.emit('SIGTERM');
    process.emit('SIGINT');
    expect(await code).toBe(0);
    // Once, however many signals arrive.
    expect(steps).toEqual(['server closed', 'bus closed', 'telemetry flushed']);
    expect(lines.map((line) => [line.msg, line.signal])).toEqual([
      ['thing service listening', undefined],
      ['thing service stopping', 'SIGTERM'],
      ['thing service stopped', undefined],
    ]);
  });

  it('logs at the configured level', async () => {
    const { lines, destination } = collectedLines();
    await runProcess(
      identity,
      telemetry,
      {
        config: () => ({ LOG_LEVEL: 'warn' as const }),
        start: async ({ logger }) => {
          logger.info('not shown');
          logger.warn('shown');
          return { listening: {}, stop: async () => undefined };
        },
      },
      destination,
    );
    expect(lines.map((line) => line.msg)).toEqual(['shown']);
  });

  it('flushes telemetry even when a stop step fails, and exits 1 saying why', async () => {
    const { lines, destination } = collectedLines();
    await runProcess(
      identity,
      telemetry,
      {
        config: () => config,
        start: async () => ({
          listening: {},
          stop: () => Promise.reject(new Error('broker gone')),
        }),
      },
      destination,
    );
    const code = exited();
    process.emit('SIGINT');
    expect(await code).toBe(1);
    expect(steps).toEqual(['telemetry flushed']);
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      msg: 'thing service did not stop cleanly',
      err: 'Error: broker gone',
    });
  });

  it.each([
    [
      'its configuration is refused',
      {
        config: () => {
          throw new RangeError('PORT: must be a port');
        },
      },
    ],
    ['its start fails', { start: () => Promise.reject(new RangeError('PORT: must be a port')) }],
  ])('exits 1 naming the cause when %s, however quiet its LOG_LEVEL', async (_case, failing) => {
    const { lines, destination } = collectedLines();
    const code = exited();
    await runProcess(
      identity,
      telemetry,
      {
        config: () => ({ LOG_LEVEL: 'silent' as const }),
        start: async () => ({ listening: {}, stop: async () => undefined }),
        ...failing,
      },
      destination,
    );
    expect(await code).toBe(1);
    expect(lines).toMatchObject([
      {
        level: 'fatal',
        msg: 'thing service failed to start',
        service: 'thing',
        err: 'RangeError: PORT: must be a port',
      },
    ]);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
