import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { stopOnSignals } from './stop-on-signals';

function collectingLogger() {
  const lines: Array<{ msg: string; signal?: string; err?: string; level: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'stop-test', destination }) };
}

/** Signals are delivered to the listeners (process.emit), and exit is caught, not taken. */
describe('stopOnSignals', () => {
  let exit: jest.SpyInstance;
  const exited = () => new Promise<number>((resolve) => exit.mockImplementation(resolve));

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit');
  });
  afterEach(() => {
    exit.mockRestore();
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
  });

  it('runs the steps once on SIGTERM, however many signals follow, then exits 0', async () => {
    const { lines, logger } = collectingLogger();
    const stop = jest.fn(async () => undefined);
    stopOnSignals('thing', logger, stop);
    const code = exited();
    process.emit('SIGTERM');
    process.emit('SIGINT');
    expect(await code).toBe(0);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(lines.map((line) => [line.msg, line.signal])).toEqual([
      ['thing stopping', 'SIGTERM'],
      ['thing stopped', undefined],
    ]);
  });

  it('exits 1 and says why when a step fails', async () => {
    const { lines, logger } = collectingLogger();
    stopOnSignals('thing', logger, () => Promise.reject(new Error('broker gone')));
    const code = exited();
    process.emit('SIGINT');
    expect(await code).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      msg: 'thing did not stop cleanly',
      err: 'Error: broker gone',
    });
  });
});
