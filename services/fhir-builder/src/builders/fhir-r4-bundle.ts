import type {
  Appointment,
  Bundle,
  BundleEntry,
  Patient,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { validateFhirResource } from '../validation/validate-fhir-resource';
import { urnUuid } from './deterministic-ids';
import type { BuildTarget, MessageBuilder, SentToModality } from './message-builder';
import { PayloadInvalidError } from './payload-invalid-error';

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const UK_CORE_PATIENT = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient';
const SNOMED = 'http://snomed.info/sct';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** SNOMED CT procedure of the screening order (as NHS's proof of concept uses). */
export const SCREENING_MAMMOGRAPHY = {
  system: SNOMED,
  code: '1224585002',
  display: 'Screening mammography of breast',
};

/**
 * The event carries the appointment's start only, and FHIR invariant app-2 needs start and end
 * together on a booked Appointment. Breast screening slots are short; 10 minutes stands in until
 * the snapshot carries the real end (see the README).
 */
export const ASSUMED_SLOT_MINUTES = 10;

/**
 * FHIR R4 transaction Bundle: a UK Core Patient, the ServiceRequest (the order, as the HL7
 * Imaging ServiceRequest IG shapes it: accession number identifier typed ACSN, procedure code,
 * subject, requester, occurrence) and the booked Appointment based on it. Entries refer to each
 * other by `urn:uuid` full URLs derived from the appointment id, and use conditional create
 * (`ifNoneExist`) so a resend does not duplicate the patient or the order at the receiver.
 */
export const fhirR4Bundle: MessageBuilder = {
  type: 'fhir-r4',
  description: 'FHIR R4 transaction Bundle (UK Core Patient, ServiceRequest, Appointment)',
  contentType: 'application/fhir+json',

  build(event: SentToModality, destination: BuildTarget) {
    return {
      contentType: this.contentType,
      payload: JSON.stringify(buildBundle(event, destination), null, 2),
    };
  },

  validate(payload: string) {
    let resource: Resource;
    try {
      resource = JSON.parse(payload) as Resource;
    } catch (error) {
      throw new PayloadInvalidError(this.type, [`not JSON: ${(error as Error).message}`]);
    }
    validateFhirResource(resource, this.type);
  },
};

export function buildBundle(event: SentToModality, destination: BuildTarget): Bundle {
  const { appointmentId, participant, appointment } = event.data;
  const patientUrl = urnUuid(`${appointmentId}/Patient/${participant.participantId}`);
  const orderUrl = urnUuid(`${appointmentId}/ServiceRequest`);
  const appointmentUrl = urnUuid(`${appointmentId}/Appointment`);
  const patientName = `${participant.givenName} ${participant.familyName}`;

  // The NHS number verification status extension is left out on purpose: the snapshot proves
  // only the check digit, not that the number was traced against PDS, and "verified" must not
  // be claimed without that.
  const patient: Patient = {
    resourceType: 'Patient',
    meta: { profile: [UK_CORE_PATIENT] },
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: participant.nhsNumber }],
    name: [{ use: 'official', family: participant.familyName, given: [participant.givenName] }],
    gender: participant.sex,
    birthDate: participant.dateOfBirth,
  };

  const order: ServiceRequest = {
    resourceType: 'ServiceRequest',
    identifier: [
      {
        type: { coding: [{ system: V2_0203, code: 'ACSN', display: 'Accession ID' }] },
        value: appointment.accessionNumber,
      },
    ],
    status: 'active',
    intent: 'order',
    category: [{ coding: [{ system: SNOMED, code: '363679005', display: 'Imaging' }] }],
    code: { coding: [SCREENING_MAMMOGRAPHY], text: SCREENING_MAMMOGRAPHY.display },
    subject: { reference: patientUrl, type: 'Patient', display: patientName },
    occurrenceDateTime: appointment.startsAt,
    authoredOn: event.occurredAt,
    // The screening setting orders the examination; only its id travels in the event.
    requester: {
      type: 'Organization',
      display: `NHS breast screening setting ${appointment.settingId}`,
    },
  };

  const end = new Date(Date.parse(appointment.startsAt) + ASSUMED_SLOT_MINUTES * 60_000);
  const booked: Appointment = {
    resourceType: 'Appointment',
    status: 'booked',
    serviceType: [{ coding: [SCREENING_MAMMOGRAPHY] }],
    start: appointment.startsAt,
    end: end.toISOString(),
    basedOn: [{ reference: orderUrl, type: 'ServiceRequest' }],
    participant: [
      {
        actor: { reference: patientUrl, type: 'Patient', display: patientName },
        status: 'accepted',
      },
    ],
  };

  const entry = (
    fullUrl: string,
    resource: Patient | ServiceRequest | Appointment,
    ifNoneExist?: string,
  ): BundleEntry => ({
    fullUrl,
    resource,
    request: { method: 'POST', url: resource.resourceType, ...(ifNoneExist && { ifNoneExist }) },
  });

  return {
    resourceType: 'Bundle',
    identifier: {
      system: 'urn:ietf:rfc:3986',
      value: urnUuid(`${event.id}/Bundle/${destination.destinationId}`),
    },
    type: 'transaction',
    timestamp: event.occurredAt,
    entry: [
      entry(patientUrl, patient, `identifier=${NHS_NUMBER_SYSTEM}|${participant.nhsNumber}`),
      entry(orderUrl, order, `identifier=${appointment.accessionNumber}`),
      entry(appointmentUrl, booked),
    ],
  };
}
