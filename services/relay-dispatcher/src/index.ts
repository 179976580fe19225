export {
  startRelayDispatcher,
  CONSUMER,
  type RelayDispatcher,
  type RelayDispatcherOptions,
} from './service';
export { dispatcherVariables, defaultDispatcherOptions, type DispatcherOptions } from './config';
export * from './domain';
export { Gateway, NewGateway, GatewayChange, type GatewayHealth } from './gateways/gateway';
export { demoGateways, seedDemoGateways } from './demo/demo-gateways';
export {
  environmentSecrets,
  staticSecrets,
  devSecretDefaults,
  type SecretSource,
} from './secrets/secret-source';
