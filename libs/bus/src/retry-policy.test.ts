import { PermanentError, TransientError } from '@mbs/errors';
import { decideFailure, retryCeiling } from './retry-policy';

const policy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 3_000 };

describe('decideFailure', () => {
  it('retries a transient failure with a jittered, growing delay', () => {
    const error = new TransientError('busy', 'busy');
    expect(decideFailure(error, 1, policy, () => 0)).toEqual({
      action: 'retry',
      retry: 1,
      delayMs: 500,
      reason: 'TransientError: busy',
    });
    expect(decideFailure(error, 2, policy, () => 0.5)).toMatchObject({ retry: 2, delayMs: 1_500 });
    expect(decideFailure(error, 3, policy, () => 0)).toMatchObject({ retry: 3, delayMs: 1_500 }); // capped at 3 s
  });

  it('dead-letters a permanent failure at once, with its code', () => {
    expect(
      decideFailure(new PermanentError('unknown_id', 'no such appointment'), 1, policy),
    ).toEqual({
      action: 'dead-letter',
      code: 'unknown_id',
      reason: 'PermanentError: no such appointment',
    });
  });

  it('dead-letters a transient failure once the attempts are used up', () => {
    expect(decideFailure(new Error('timeout'), 4, policy)).toEqual({
      action: 'dead-letter',
      code: 'retries_exhausted',
      reason: 'gave up after 4 attempts; last error: Error: timeout',
    });
  });

  it('with a single attempt allowed, never retries', () => {
    expect(decideFailure(new Error('x'), 1, { ...policy, attempts: 1 })).toMatchObject({
      action: 'dead-letter',
    });
  });

  it('bounds the wait of each retry queue by the policy', () => {
    expect([1, 2, 3].map((n) => retryCeiling(n, policy))).toEqual([1_000, 2_000, 3_000]);
  });
});
