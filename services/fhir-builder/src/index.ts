export { startFhirBuilder, CONSUMER, type FhirBuilder, type FhirBuilderOptions } from './service';
export * from './builders';
export * from './destinations';
export { validateFhirResource } from './validation';
export { demoDestinations, seedDemoDestinations } from './demo/demo-destinations';
