export {
  createRelayEmulator,
  type RelayEmulator,
  type RelayEmulatorOptions,
  type RelayedFrame,
} from './server';
export type { RelayDirection } from './websocket-bridge';
export {
  DEV_ENTITIES,
  accessKeySchema,
  entitiesSchema,
  hybridConnectionSchema,
  rightSchema,
  type AccessKey,
  type HybridConnection,
  type Right,
} from './entities';
export { emulatorVariables, entitiesFrom } from './emulator-config';
