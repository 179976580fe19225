export {
  createQueryClient,
  type QueryAs,
  type QueryClient,
  type QueryClientOptions,
} from './query-client';
export { QueryNotFoundError, QueryUnavailableError } from './query-errors';
export * from './appointment-client';
export * from './dispatcher-client';
export * from './fhir-builder-client';
