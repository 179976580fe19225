/**
 * The URIs a FHIR R4 message names things by: identifier systems, code systems and the UK Core
 * profiles its resources declare. One place, so the builder, its tests and the README agree.
 */

/** NHS number (UK Core Patient identifier). */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** NHS Organisation Data Service code (UK Core Organization identifier), e.g. RR8. */
export const ODS_ORGANIZATION_CODE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';

/**
 * Our accession numbers. The HL7 Imaging ServiceRequest IG wants every accession number to carry
 * a system naming the namespace of its issuer, so that numbers of two systems never collide.
 * No official NHS system exists for breast screening accession numbers; this stable URI is ours
 * (see the README) and must never change, because receivers match orders on it.
 */
export const ACCESSION_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/breast-screening-accession-number';

/** Our appointment ids, so a receiver recognises an appointment it already has. Ours, as above. */
export const APPOINTMENT_ID_SYSTEM = 'https://fhir.nhs.uk/Id/breast-screening-appointment-id';

/**
 * Our placer order numbers (the Imaging ServiceRequest IG's `identifier:placerOrder`, typed PLAC):
 * the order as the screening service that places it knows it. The value is the appointment id:
 * one appointment is one order, which keeps its accession number when staff send it again, so
 * the placer number must not change on a resend either (a send command id would make every
 * resend look like a new order carrying an old accession number). Ours, as above, never to change.
 */
export const PLACER_ORDER_SYSTEM = 'https://fhir.nhs.uk/Id/breast-screening-order-id';

export const SNOMED_CT = 'http://snomed.info/sct';

/** HL7 v2 table 0203, identifier types (ACSN: accession number; PLAC: placer identifier). */
export const IDENTIFIER_TYPE_V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** UK Core profiles declared in `meta.profile` (validation is against base R4, see the README). */
export const UK_CORE_PROFILE = {
  Patient: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient',
  ServiceRequest: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest',
  Appointment: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Appointment',
  Organization: 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization',
} as const;

/** SNOMED CT procedure of the screening order (as NHS's proof of concept uses). */
export const SCREENING_MAMMOGRAPHY = {
  system: SNOMED_CT,
  code: '1224585002',
  display: 'Screening mammography of breast',
};

/** SNOMED CT category the Imaging ServiceRequest IG fixes for imaging orders. */
export const IMAGING_CATEGORY = { system: SNOMED_CT, code: '363679005', display: 'Imaging' };
