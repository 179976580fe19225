import { endToEnd, HOPS, hopMedians, type Journey } from './latency-breakdown';

const journey = (start: number, gaps: readonly number[]): Journey => {
  const points = HOPS.map((hop) => hop.from).concat('withModality');
  let at = start;
  return Object.fromEntries(
    points.map((point, i) => {
      if (i > 0) at += gaps[i - 1]!;
      return [point, at];
    }),
  ) as unknown as Journey;
};

describe('the latency breakdown', () => {
  it('measures end to end from the accepted command to the confirmation', () => {
    // accepted 0, +5 sent_to_modality, +50 stored, +4 picked, +5 delivered, +8 confirmed, +15
    expect(endToEnd(journey(0, [5, 50, 4, 5, 8, 15]))).toBe(72);
  });

  it('takes the median of each hop, in the order of the journey', () => {
    const medians = hopMedians([
      journey(0, [1, 10, 1, 1, 1, 1]),
      journey(100, [3, 30, 3, 3, 3, 3]),
      journey(200, [2, 20, 2, 2, 2, 2]),
    ]);
    expect(medians.map((hop) => hop.ms)).toEqual([2, 20, 2, 2, 2, 2]);
    expect(medians[1]!.label).toBe('build and validate, to the dispatcher (fhir-builder)');
  });

  it('leaves out a point that was not recorded instead of making the hop NaN', () => {
    const missing = { ...journey(0, [1, 1, 1, 1, 1, 1]), withModality: Number.NaN };
    const medians = hopMedians([missing, journey(0, [1, 1, 1, 1, 1, 9])]);
    expect(medians.at(-1)!.ms).toBe(9);
    expect(hopMedians([missing]).at(-1)!.ms).toBeNaN();
  });
});
