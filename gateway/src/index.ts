export { startGateway, type Gateway, type GatewayOptions } from './gateway';
export {
  DEV_TARGETS,
  FileTargetSchema,
  HttpTargetSchema,
  TargetSchema,
  TargetsSchema,
  gatewayVariables,
  type FileTarget,
  type HttpTarget,
  type Target,
} from './config';
export * from './store/index';
export * from './delivery/index';
export * from './upstream/index';
export * from './http/index';
export {
  defaultKeysFile,
  fixedKeys,
  GatewayKeyFile,
  GatewayKeysError,
  publicKeysFileOf,
  readKeyFile,
  type GatewayKeySource,
} from './protection/key-file';
export { keysAction, runKeysCommand, type KeysAction } from './protection/keys-command';
