export { validateFhirResource } from './validate-fhir-resource';
export { requiredBindingProblems } from './required-bindings';
