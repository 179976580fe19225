export { fixedEvent, leedsDestination } from '../src/builders/sample-event';
