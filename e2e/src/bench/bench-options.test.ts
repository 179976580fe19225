import { benchOptions, BenchOptionsError, DEFAULT_BURST, DEFAULT_RATE } from './bench-options';

describe('benchOptions', () => {
  it('defaults to a steady load below saturation, measured after a warm-up', () => {
    expect(benchOptions({})).toEqual({
      mode: 'steady',
      ratePerSecond: DEFAULT_RATE,
      messages: 400,
      warmupMs: 5000,
    });
  });

  it('takes the rate and the duration, or the number of messages', () => {
    expect(benchOptions({ BENCH_RATE: '4', BENCH_DURATION_S: '30' })).toMatchObject({
      ratePerSecond: 4,
      messages: 120,
    });
    expect(benchOptions({ BENCH_RATE: '4', BENCH_MESSAGES: '50' })).toMatchObject({
      messages: 50,
    });
  });

  it('keeps the burst of the earlier bench', () => {
    expect(benchOptions({ BENCH_MODE: 'burst' })).toEqual({
      mode: 'burst',
      messages: DEFAULT_BURST,
    });
    expect(benchOptions({ BENCH_MODE: 'burst', BENCH_MESSAGES: '30' })).toEqual({
      mode: 'burst',
      messages: 30,
    });
  });

  it.each([
    [{ BENCH_MODE: 'ramp' }, 'BENCH_MODE must be steady or burst, not "ramp"'],
    [{ BENCH_RATE: 'fast' }, 'BENCH_RATE must be a number, not "fast"'],
    [{ BENCH_RATE: '0' }, 'BENCH_RATE must be more than 0, not 0'],
    [{ BENCH_MODE: 'burst', BENCH_MESSAGES: '2.5' }, 'BENCH_MESSAGES must be a whole number'],
    [{ BENCH_WARMUP_S: '-1' }, 'BENCH_WARMUP_S must not be negative, not -1'],
    [
      { BENCH_RATE: '10', BENCH_DURATION_S: '5', BENCH_WARMUP_S: '5' },
      'BENCH_WARMUP_S (5 s) leaves nothing to measure: the run sends for 5.0 s',
    ],
  ])('refuses %j, saying what is wrong', (env, message) => {
    expect(() => benchOptions(env)).toThrow(BenchOptionsError);
    expect(() => benchOptions(env)).toThrow(message);
  });
});
