export { buildSink, type Sink, type SinkOptions } from './sink-app';
export { Behaviour, answerFor } from './behaviour';
export { ReceivedLog, type ReceivedRequest } from './received-log';
export { sinkVariables } from './config';
