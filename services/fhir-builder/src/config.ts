import {
  brokerVariables,
  demoDataVariables,
  httpVariables,
  logVariables,
  string,
  storeVariables,
} from '@mbs/config';
import { staffAccessVariables } from '@mbs/http';

/** fhir-builder's environment, parsed once by main.ts. */
export const fhirBuilderVariables = {
  ...brokerVariables,
  ...storeVariables,
  ...logVariables,
  ...httpVariables(3003),
  ...staffAccessVariables,
  ...demoDataVariables,
  FHIR_BUILDER_DB_NAME: string({
    description: "Name of fhir-builder's own MongoDB database",
    default: 'fhir-builder',
  }),
};
