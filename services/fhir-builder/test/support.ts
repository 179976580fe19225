import { eventually, sleep, testLogger } from '@mbs/testing';

export { eventually, sleep };

export const quietLogger = () => testLogger('fhir-builder-test');
