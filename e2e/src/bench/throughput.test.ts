import { perBucket, ratePerSecond } from './throughput';

describe('perBucket', () => {
  it('counts events in each second from the start, leaving out those outside', () => {
    expect(perBucket([999, 1000, 1500, 2999, 3000, 3500], 1000, 3500)).toEqual([2, 1, 2]);
  });

  it('has no buckets for an empty span', () => {
    expect(perBucket([5], 10, 10)).toEqual([]);
  });
});

describe('ratePerSecond', () => {
  it('is the events inside the window over its length: ramp-up and drain left out', () => {
    const times = [0, 100, 1000, 1500, 2000, 2500, 2999, 5000];
    expect(ratePerSecond(times, 1000, 3000)).toBe(2.5);
  });

  it('is missing for a window of no length', () => {
    expect(ratePerSecond([1], 5, 5)).toBeNaN();
  });
});
