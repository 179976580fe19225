export { createRelayEmulator, type RelayEmulator, type RelayEmulatorOptions } from './server';
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
