/**
 * One problem a validator found in a value: where (`path`, empty when it is about the value as a
 * whole) and what. zod's issues have this shape; it is matched by shape so this library, which
 * every other depends on, depends on no validator.
 */
export interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** Where an issue is, as a dotted path (`data.participant.nhsNumber`); empty for the whole value. */
export function issuePath(issue: Issue): string {
  return issue.path.map(String).join('.');
}

/** Each issue as `path: problem`, or the problem alone when it is about the whole value. */
export function issueTexts(issues: readonly Issue[]): string[] {
  return issues.map((issue) => {
    const path = issuePath(issue);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/**
 * The issues in one line, for error messages, logs and refusal reasons:
 * `accessionNumber: must be at most 16 characters (DICOM SH); happenedAt: Invalid ISO datetime`.
 */
export function describeIssues(issues: readonly Issue[]): string {
  return issueTexts(issues).join('; ');
}
