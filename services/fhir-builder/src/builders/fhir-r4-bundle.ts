import type {
  Appointment,
  Bundle,
  BundleEntry,
  Identifier,
  Organization,
  Patient,
  Reference,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { validateFhirResource } from '../validation/validate-fhir-resource';
import { urnUuid } from './deterministic-ids';
import {
  ACCESSION_NUMBER_SYSTEM,
  APPOINTMENT_ID_SYSTEM,
  IDENTIFIER_TYPE_V2_0203,
  IMAGING_CATEGORY,
  NHS_NUMBER_SYSTEM,
  ODS_ORGANIZATION_CODE_SYSTEM,
  PLACER_ORDER_SYSTEM,
  SCREENING_MAMMOGRAPHY,
  UK_CORE_PROFILE,
} from './fhir-r4-systems';
import type { BuildTarget, MessageBuilder, SentToModality } from './message-builder';
import { PayloadInvalidError } from './payload-invalid-error';

/**
 * FHIR R4 transaction Bundle of UK Core resources: the Patient, the ServiceRequest (the order, as
 * the HL7 Imaging ServiceRequest IG shapes it: accession number identifier typed ACSN and placer
 * order identifier typed PLAC, each with its system and assigner, procedure code, subject,
 * requester, occurrence; the IG's separate RequestedProcedure is merged into it, see the
 * README), the booked Appointment
 * based on it, and the Organization of the requesting screening setting. Entries refer to each
 * other by `urn:uuid` full URLs derived from the appointment id, and every entry is a conditional
 * create (`ifNoneExist` on its business identifier), so a resend duplicates nothing at the
 * receiver.
 */
export const fhirR4Bundle: MessageBuilder = {
  type: 'fhir-r4',
  description:
    'FHIR R4 transaction Bundle (UK Core Patient, ServiceRequest, Appointment, Organization)',
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
  const { appointmentId, participant, appointment, setting } = event.data;
  const patientUrl = urnUuid(`${appointmentId}/Patient/${participant.participantId}`);
  const orderUrl = urnUuid(`${appointmentId}/ServiceRequest`);
  const appointmentUrl = urnUuid(`${appointmentId}/Appointment`);
  const settingUrl = urnUuid(`${appointmentId}/Organization/${setting.odsCode}`);
  const patientName = `${participant.givenName} ${participant.familyName}`;
  const settingReference: Reference<Organization> = {
    reference: settingUrl,
    type: 'Organization',
    display: setting.name,
  };

  const nhsNumber: Identifier = { system: NHS_NUMBER_SYSTEM, value: participant.nhsNumber };
  const odsCode: Identifier = { system: ODS_ORGANIZATION_CODE_SYSTEM, value: setting.odsCode };
  const appointmentIdentifier: Identifier = { system: APPOINTMENT_ID_SYSTEM, value: appointmentId };
  // The Imaging ServiceRequest IG's accessionNumber slice: type ACSN, and a system naming the
  // issuer's namespace so numbers of two issuers never collide. The setting assigns it.
  const accessionNumber: Identifier = {
    type: { coding: [{ system: IDENTIFIER_TYPE_V2_0203, code: 'ACSN', display: 'Accession ID' }] },
    system: ACCESSION_NUMBER_SYSTEM,
    value: appointment.accessionNumber,
    assigner: settingReference,
  };
  // The IG's placerOrder slice: the order as the screening service that places it knows it,
  // the appointment (see PLACER_ORDER_SYSTEM for why not the send command).
  const placerOrder: Identifier = {
    type: {
      coding: [{ system: IDENTIFIER_TYPE_V2_0203, code: 'PLAC', display: 'Placer Identifier' }],
    },
    system: PLACER_ORDER_SYSTEM,
    value: appointmentId,
    assigner: settingReference,
  };

  // The NHS number verification status extension is left out on purpose: the snapshot proves
  // only the check digit, not that the number was traced against PDS, and "verified" must not
  // be claimed without that.
  const patient: Patient = {
    resourceType: 'Patient',
    meta: { profile: [UK_CORE_PROFILE.Patient] },
    identifier: [nhsNumber],
    name: [{ use: 'official', family: participant.familyName, given: [participant.givenName] }],
    gender: participant.sex,
    birthDate: participant.dateOfBirth,
  };

  const order: ServiceRequest = {
    resourceType: 'ServiceRequest',
    meta: { profile: [UK_CORE_PROFILE.ServiceRequest] },
    identifier: [accessionNumber, placerOrder],
    status: 'active',
    intent: 'order',
    category: [{ coding: [IMAGING_CATEGORY] }],
    code: { coding: [SCREENING_MAMMOGRAPHY], text: SCREENING_MAMMOGRAPHY.display },
    subject: { reference: patientUrl, type: 'Patient', display: patientName },
    occurrenceDateTime: appointment.startsAt,
    authoredOn: event.occurredAt,
    requester: settingReference,
  };

  const booked: Appointment = {
    resourceType: 'Appointment',
    meta: { profile: [UK_CORE_PROFILE.Appointment] },
    identifier: [appointmentIdentifier],
    status: 'booked',
    serviceType: [{ coding: [SCREENING_MAMMOGRAPHY] }],
    start: appointment.startsAt,
    end: appointment.endsAt,
    basedOn: [{ reference: orderUrl, type: 'ServiceRequest' }],
    participant: [
      {
        actor: { reference: patientUrl, type: 'Patient', display: patientName },
        status: 'accepted',
      },
    ],
  };

  const requestingSetting: Organization = {
    resourceType: 'Organization',
    meta: { profile: [UK_CORE_PROFILE.Organization] },
    identifier: [odsCode],
    name: setting.name,
  };

  return {
    resourceType: 'Bundle',
    identifier: {
      system: 'urn:ietf:rfc:3986',
      value: urnUuid(`${event.id}/Bundle/${destination.destinationId}`),
    },
    type: 'transaction',
    timestamp: event.occurredAt,
    entry: [
      conditionalCreate(patientUrl, patient, nhsNumber),
      conditionalCreate(orderUrl, order, accessionNumber),
      conditionalCreate(appointmentUrl, booked, appointmentIdentifier),
      conditionalCreate(settingUrl, requestingSetting, odsCode),
    ],
  };
}

/**
 * A transaction entry that creates the resource unless the receiver already has one with this
 * business identifier (`ifNoneExist: identifier=<system>|<value>`), so a resend duplicates
 * nothing. Our identifier values are letters, digits and `.-_:` only: nothing to escape.
 */
function conditionalCreate(
  fullUrl: string,
  resource: Patient | ServiceRequest | Appointment | Organization,
  identifier: Identifier,
): BundleEntry {
  return {
    fullUrl,
    resource,
    request: {
      method: 'POST',
      url: resource.resourceType,
      ifNoneExist: `identifier=${identifier.system}|${identifier.value}`,
    },
  };
}
