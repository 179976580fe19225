import { arrivalOffsets, driveArrivals, type Clock } from './arrivals';

/** A clock that only moves when the driver sleeps, so the test sees exactly when sends start. */
function fakeClock(): Clock & { at: number } {
  const clock = {
    at: 1_000,
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.at += ms;
    },
  };
  return clock;
}

describe('arrivalOffsets', () => {
  it('spaces arrivals evenly at the rate', () => {
    expect(arrivalOffsets(4, 10)).toEqual([0, 100, 200, 300]);
    expect(arrivalOffsets(3, 0.5)).toEqual([0, 2000, 4000]);
  });

  it('sends a burst all at once', () => {
    expect(arrivalOffsets(3, Number.POSITIVE_INFINITY)).toEqual([0, 0, 0]);
  });
});

describe('driveArrivals', () => {
  it('starts each send at its offset without waiting for the earlier ones to finish', async () => {
    const clock = fakeClock();
    const startedAt: number[] = [];
    const finish: Array<() => void> = [];
    const driving = driveArrivals(
      [0, 100, 250],
      (i) =>
        new Promise<void>((resolve) => {
          startedAt[i] = clock.now();
          finish.push(resolve);
        }),
      clock,
    );
    await new Promise((resolve) => setImmediate(resolve));
    // All three started although none has finished: the load does not slow with the system.
    expect(startedAt).toEqual([1_000, 1_100, 1_250]);
    let done = false;
    void driving.then(() => (done = true));
    finish[0]!();
    finish[1]!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    finish[2]!();
    await driving;
  });

  it('rejects with a send that failed, after starting the rest', async () => {
    const clock = fakeClock();
    const started: number[] = [];
    await expect(
      driveArrivals(
        [0, 10, 20],
        async (i) => {
          started.push(i);
          if (i === 1) throw new Error('broker refused');
        },
        clock,
      ),
    ).rejects.toThrow('broker refused');
    expect(started).toEqual([0, 1, 2]);
  });
});
