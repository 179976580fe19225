import type { Bundle } from '@medplum/fhirtypes';
import { fixedEvent, leedsDestination } from '../../test/fixtures';
import { buildBundle } from '../builders/fhir-r4-bundle';
import { PayloadInvalidError } from '../builders/payload-invalid-error';
import { validateFhirResource } from './validate-fhir-resource';

/** A valid Bundle from the builder, for each test to break in one place. */
const bundle = (): Bundle & { entry: Array<{ resource: Record<string, unknown> }> } =>
  structuredClone(buildBundle(fixedEvent(), leedsDestination)) as never;

function refusal(resource: unknown): PayloadInvalidError {
  try {
    validateFhirResource(resource as Bundle);
  } catch (error) {
    if (error instanceof PayloadInvalidError) return error;
    throw error;
  }
  throw new Error('the validator accepted it');
}

describe('FHIR R4 validation', () => {
  it('accepts the Bundle the builder makes', () => {
    expect(() => validateFhirResource(bundle())).not.toThrow();
  });

  it('refuses a ServiceRequest without its required status', () => {
    const broken = bundle();
    delete broken.entry[1]!.resource.status;
    expect(refusal(broken).message).toContain(
      'Missing required property (Bundle.entry[1].resource.status)',
    );
  });

  it('refuses a birth date that is not a FHIR date', () => {
    const broken = bundle();
    broken.entry[0]!.resource.birthDate = '31/01/1970';
    expect(refusal(broken).message).toContain(
      'Invalid date format (Bundle.entry[0].resource.birthDate)',
    );
  });

  it('refuses a property R4 does not define', () => {
    const broken = bundle();
    broken.entry[2]!.resource.colour = 'blue';
    expect(refusal(broken).message).toContain(
      'Invalid additional property "colour" (Bundle.entry[2].resource.colour)',
    );
  });

  it('refuses a gender outside the required administrative-gender value set', () => {
    const broken = bundle();
    broken.entry[0]!.resource.gender = 'woman';
    expect(refusal(broken).message).toContain(
      'Value "woman" is not in the required value set http://hl7.org/fhir/ValueSet/administrative-gender (Bundle.entry[0].resource.gender); expected one of male, female, other, unknown',
    );
  });

  it('refuses a Bundle type outside the required bundle-type value set', () => {
    const broken = { ...bundle(), type: 'transactionx' };
    expect(refusal(broken).message).toContain(
      'Value "transactionx" is not in the required value set http://hl7.org/fhir/ValueSet/bundle-type (Bundle.type)',
    );
  });

  it('checks required bindings inside backbone elements (Appointment.participant.status)', () => {
    const broken = bundle();
    (broken.entry[2]!.resource.participant as Array<{ status: string }>)[0]!.status = 'maybe';
    expect(refusal(broken).message).toContain(
      'Value "maybe" is not in the required value set http://hl7.org/fhir/ValueSet/participationstatus (Bundle.entry[2].resource.participant[0].status)',
    );
  });

  it('checks required bindings inside data types (HumanName.use) and the entry request', () => {
    const broken = bundle();
    (broken.entry[0]!.resource.name as Array<{ use: string }>)[0]!.use = 'formal';
    (broken.entry[0] as { request: { method: string } }).request.method = 'SEND';
    const { problems } = refusal(broken);
    expect(problems).toContainEqual(expect.stringContaining('Value "formal"'));
    expect(problems).toContainEqual(expect.stringContaining('(Bundle.entry[0].request.method)'));
  });

  it('refuses a transaction entry without its request (invariant bdl-3)', () => {
    const broken = bundle();
    delete (broken.entry[0] as { request?: unknown }).request;
    expect(refusal(broken).message).toContain('Constraint bdl-3 not met');
  });

  it('reports every problem at once, each with its path', () => {
    const broken = bundle();
    broken.entry[0]!.resource.gender = 'woman';
    delete broken.entry[1]!.resource.intent;
    expect(refusal(broken).problems).toHaveLength(2);
  });
});
