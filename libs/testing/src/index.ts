export {
  getMongoDb,
  MONGODB_URL_EXAMPLE,
  type GetMongoDbOptions,
  type MongoDb,
  type MongoDbKind,
} from './mongodb';
export {
  getRabbitMq,
  AMQP_URL_EXAMPLE,
  type ContainerExec,
  type ExecResult,
  type GetRabbitMqOptions,
  type RabbitMq,
  type RabbitMqKind,
  type StartedRabbitMqContainer,
} from './rabbitmq';
export { startMongoStandIn, mongoStandInScript, type MongoStandInOptions } from './mongo-stand-in';
export { isContainerRuntimeReachable, type ContainerRuntimeProbe } from './container-runtime';
export {
  closeConnectionsNamed,
  listConnections,
  parseConnections,
  rabbitmqctl,
  restartBroker,
  type BrokerConnection,
  type RabbitmqctlOptions,
} from './rabbitmqctl';
export { uniqueDbName, uniqueName } from './unique-name';
export { useMongoDb, useRabbitMq } from './jest-hooks';
export { RabbitmqctlError, TestEnvironmentError } from './errors';
export type { Environment, StartedService } from './started-service';
export { deleteNamespace } from './broker-namespace';
export { publishRaw } from './publish-raw';
export { eventually, sleep } from './polling';
export { freePort } from './free-port';
export { testLogger } from './test-logger';
export { probeSocket, type SocketProbe } from './socket-probe';
export { validationProblems } from './validation-problems';
export {
  expectedDeadLetterRoute,
  lookAtDeadLetters,
  type DeadLetterListing,
  type DeadLetterRouteSeen,
} from './dead-letter-route';
export {
  expectedStaffAccess,
  staffAccess,
  testStaffKeys,
  withBearer,
  type AccessOutcome,
  type Caller,
  type RouteRequest,
  type TestStaffKeys,
} from './staff-access';
