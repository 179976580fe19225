export { Destination, DestinationChange, DestinationFilter, NewDestination } from './destination';
export {
  DestinationConflictError,
  DestinationExistsError,
  DestinationNotFoundError,
} from './destination-errors';
export { createDestinationStore, type DestinationStore } from './destination-store';
