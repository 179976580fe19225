import type { Target } from '../config';
import { TargetPacer } from './target-pacer';

const target = (maxPerSecond?: number): Target => ({
  name: 'ris',
  kind: 'http',
  url: 'https://ris.example.nhs.uk/fhir',
  timeoutMs: 5000,
  retries: 3,
  ...(maxPerSecond && { maxPerSecond }),
});

describe('target pacing', () => {
  it('spaces attempts at a paced target by a slot each, however many ask at once', () => {
    let now = 1_000;
    const pacer = new TargetPacer(() => now);
    expect([0, 1, 2, 3].map(() => pacer.take(target(4)))).toEqual([0, 250, 500, 750]);
    now += 2_000;
    expect(pacer.take(target(4))).toBe(0);
  });

  it('never holds a target without a pace', () => {
    const pacer = new TargetPacer(() => 0);
    expect([1, 2, 3].map(() => pacer.take(target()))).toEqual([0, 0, 0]);
  });
});
