export {
  keyEnvironment,
  processEnvironment,
  processNamed,
  processUrls,
  systemProcesses,
  type HealthCheck,
  type ProcessName,
  type ProcessPorts,
  type ProcessUrls,
  type SystemProcess,
} from './system-processes';
export { probe, waitUntilReady, type ReadinessOptions, type ReadinessTarget } from './readiness';
export {
  brokerUrlAs,
  brokerUrlVariable,
  brokerUserName,
  busProcesses,
  setUpBrokerUsers,
  setUpDevelopmentBrokerUsers,
  systemBrokerDefinitions,
  vhostOf,
  type BrokerCredentials,
  type BrokerUsers,
  type BusProcess,
} from './broker-users';
export { brokerSetupFrom } from './broker-setup';
export {
  devKeysDir,
  ensureDevKeys,
  keyVariables,
  variableFileStem,
  type DevKeys,
  type KeyVariable,
} from './dev-keys';
