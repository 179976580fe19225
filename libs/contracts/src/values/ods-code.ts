import { z } from 'zod';

/**
 * An NHS Organisation Data Service code (`RR8` for Leeds Teaching Hospitals, `RCB` for York):
 * how FHIR messages name an organisation, under `https://fhir.nhs.uk/Id/ods-organization-code`.
 * Three to ten upper-case letters and digits.
 */
export const OdsCode = z
  .string()
  .regex(/^[A-Z0-9]{3,10}$/, 'is not an ODS code (3 to 10 upper-case letters and digits)');
export type OdsCode = z.infer<typeof OdsCode>;
