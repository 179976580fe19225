export {
  connectStore,
  type ConnectStoreOptions,
  type Store,
  type StoreHealth,
  type StoreRetryOptions,
} from './connect-store';
export {
  applyOnce,
  appliedKeysDefinition,
  APPLIED_KEYS,
  DEFAULT_KEEP_KEYS,
  type ApplyOnceChange,
  type ApplyOnceOutcome,
  type ApplyOnceResult,
} from './apply-once';
export { contractField } from './contract-field';
export { insertOnce, type InsertOnceResult } from './insert-once';
export { isDuplicateIdError, isDuplicateKeyError } from './duplicate-key';
export { keyToObjectId } from './key-to-object-id';
export { modelOn } from './model-on';
export { redactCredentials, storeHost } from './store-host';
