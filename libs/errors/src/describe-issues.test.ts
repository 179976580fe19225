import { describeIssues, issuePath, issueTexts } from './describe-issues';

describe('describing validation issues', () => {
  const issues = [
    { path: ['data', 'participant', 'nhsNumber'], message: 'is not a valid NHS number' },
    { path: ['keys', 0, 'rights'], message: 'Invalid input' },
    { path: [], message: 'must change at least one field' },
  ];

  it('names where each issue is as a dotted path, empty for the whole value', () => {
    expect(issues.map(issuePath)).toEqual(['data.participant.nhsNumber', 'keys.0.rights', '']);
    expect(issuePath({ path: [Symbol('key')], message: 'x' })).toBe('Symbol(key)');
  });

  it('says each as `path: problem`, or the problem alone for the whole value', () => {
    expect(issueTexts(issues)).toEqual([
      'data.participant.nhsNumber: is not a valid NHS number',
      'keys.0.rights: Invalid input',
      'must change at least one field',
    ]);
  });

  it('puts them in one line', () => {
    expect(describeIssues(issues)).toBe(
      'data.participant.nhsNumber: is not a valid NHS number; keys.0.rights: Invalid input; must change at least one field',
    );
    expect(describeIssues([])).toBe('');
  });
});
