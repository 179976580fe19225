import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { PayloadInvalidError } from '../builders/payload-invalid-error';
import { ensureFhirR4Indexed } from './fhir-definitions';
import { requiredBindingProblems } from './required-bindings';

/**
 * Validates a resource (a whole Bundle with its entries) against the FHIR R4 specification:
 * Medplum's validator (structure, data formats, cardinality, unknown properties, invariants such
 * as bdl-3) plus the required code bindings it does not check. Throws PayloadInvalidError with
 * every problem, each naming its path, as the validator worded it.
 */
export function validateFhirResource(resource: Resource, messageType = 'FHIR R4'): void {
  ensureFhirR4Indexed();
  const problems: string[] = [];
  try {
    validateResource(resource);
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    // Warnings are not refusals: Medplum adds one per urn:uuid reference (it cannot resolve
    // Bundle-internal full URLs) whenever it reports any error.
    for (const issue of error.outcome.issue ?? []) {
      if (issue.severity !== 'error' && issue.severity !== 'fatal') continue;
      const where = issue.expression?.join(', ');
      problems.push(
        `${issue.details?.text ?? issue.diagnostics ?? issue.code}${where ? ` (${where})` : ''}`,
      );
    }
  }
  problems.push(...requiredBindingProblems(resource as unknown as Record<string, unknown>));
  if (problems.length > 0) throw new PayloadInvalidError(messageType, problems);
}
