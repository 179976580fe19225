import { fhirR4Bundle } from './fhir-r4-bundle';
import type { MessageBuilder } from './message-builder';
import { worklistJson } from './worklist-json';

/**
 * Every message type this service can build. Adding a type is adding one module that exports a
 * MessageBuilder and one line here; destinations, the API and the handler read this list.
 */
export const builders = {
  'fhir-r4': fhirR4Bundle,
  'worklist-json': worklistJson,
} as const satisfies Record<string, MessageBuilder>;

export type MessageType = keyof typeof builders;

export const MESSAGE_TYPES = Object.keys(builders) as [MessageType, ...MessageType[]];

export const DEFAULT_MESSAGE_TYPE: MessageType = 'fhir-r4';

export function builderFor(type: string): MessageBuilder | undefined {
  return Object.hasOwn(builders, type) ? builders[type as MessageType] : undefined;
}
