import { withLowerCaseNames } from './header-names';

describe('header names for application code', () => {
  it('lower-cases names and joins those that differ only in case', () => {
    expect(
      withLowerCaseNames({ 'X-Trace-Id': 't1', 'Content-Type': 'a/b', 'x-TRACE-id': 't2' }),
    ).toEqual({ 'x-trace-id': 't1, t2', 'content-type': 'a/b' });
  });

  it('leaves lower-case maps as they are', () => {
    expect(withLowerCaseNames({ accept: '*/*' })).toEqual({ accept: '*/*' });
  });
});
