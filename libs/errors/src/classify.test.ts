import { PermanentError, TransientError, describeError, errorCode, isRetryable } from './index';

describe('error classification', () => {
  it('trusts our own errors to say whether a retry helps', () => {
    expect(isRetryable(new TransientError('broker_unavailable', 'broker down'))).toBe(true);
    expect(isRetryable(new PermanentError('unknown_appointment', 'no such appointment'))).toBe(
      false,
    );
  });

  it('treats foreign errors as transient, since retries are bounded', () => {
    expect(isRetryable(new Error('ECONNRESET'))).toBe(true);
    expect(isRetryable(new TypeError('fetch failed'))).toBe(true);
    expect(isRetryable('a string was thrown')).toBe(true);
  });

  it('knows foreign errors that say the data is wrong, which no retry can fix', () => {
    const named = (name: string) => Object.assign(new Error('bad'), { name });
    let jsonError: unknown;
    try {
      JSON.parse('{oops');
    } catch (error) {
      jsonError = error;
    }
    for (const error of [
      named('ZodError'),
      named('ValidationError'), // mongoose document validation
      named('CastError'), // mongoose: "abc" is not an ObjectId
      jsonError,
    ]) {
      expect(isRetryable(error)).toBe(false);
      expect(errorCode(error)).toBe('invalid_data');
    }
  });

  it('gives a stable code and a readable one-line description', () => {
    const error = new PermanentError('invalid_state', 'appointment is booked, not checked in');
    expect(errorCode(error)).toBe('invalid_state');
    expect(errorCode(new Error('x'))).toBe('unexpected');
    expect(describeError(error)).toBe('PermanentError: appointment is booked, not checked in');
    expect(describeError(42)).toBe('42');
  });

  it('keeps the cause for diagnosis', () => {
    const cause = new Error('socket hang up');
    expect(new TransientError('connect_failed', 'could not connect', { cause }).cause).toBe(cause);
  });
});
