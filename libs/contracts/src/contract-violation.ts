import { issuePath, PermanentError } from '@mbs/errors';
import type { z } from 'zod';

export interface Violation {
  /** Where in the message, as a dotted path (`data.participant.nhsNumber`), or `(message)`. */
  readonly path: string;
  readonly problem: string;
}

/**
 * A message that does not match its contract. Permanent: the same bytes fail the same way, so
 * it is dead-lettered at once with this error's message as the reason, never retried.
 */
export class ContractViolation extends PermanentError {
  constructor(
    readonly contractType: string,
    readonly violations: readonly Violation[],
  ) {
    super(
      'contract_violation',
      `${contractType} does not match its contract: ${violations
        .map(({ path, problem }) => `${path}: ${problem}`)
        .join('; ')}`,
    );
  }

  static fromZod(contractType: string, error: z.ZodError): ContractViolation {
    return new ContractViolation(
      contractType,
      error.issues.map((issue) => ({
        path: issuePath(issue) || '(message)',
        problem: issue.message,
      })),
    );
  }
}
