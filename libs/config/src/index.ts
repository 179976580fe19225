export { loadConfig } from './load-config';
export { ConfigError, type VariableProblem } from './config-error';
export {
  boolean,
  integer,
  oneOf,
  optionalString,
  port,
  string,
  url,
  type ConfigOf,
  type Variable,
  type VariableSpec,
} from './variable';
export {
  brokerVariables,
  demoDataVariables,
  httpVariables,
  logVariables,
  storeVariables,
} from './common-variables';
