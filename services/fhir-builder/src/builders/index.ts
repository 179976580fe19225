export {
  builders,
  builderFor,
  DEFAULT_MESSAGE_TYPE,
  MESSAGE_TYPES,
  type MessageType,
} from './registry';
export type { BuildTarget, BuiltPayload, MessageBuilder, SentToModality } from './message-builder';
export { PayloadInvalidError } from './payload-invalid-error';
export { uuidFromName, urnUuid } from './deterministic-ids';
export { buildBundle, fhirR4Bundle } from './fhir-r4-bundle';
export { buildWorklistItem, worklistJson, WorklistCreateItem } from './worklist-json';
