export {
  createSasToken,
  parseSasToken,
  validateSasToken,
  type CreateSasTokenOptions,
  type SasTokenFields,
  type SasValidation,
  type ValidateSasTokenOptions,
} from './sas-token';
export {
  fetchRelayToken,
  sharedAccessKeyTokenProvider,
  tokenProviderFor,
  type RelayCredentials,
  type RelayToken,
  type TokenProvider,
} from './token-provider';
export {
  httpUrl,
  hybridConnectionUrl,
  parseEndpoint,
  rejectionUrl,
  resourceUri,
  senderSafeRejectionStatus,
  type RelayAction,
  type RelayAddressOptions,
} from './relay-address';
export {
  acceptMessageSchema,
  parseControlMessage,
  renewTokenMessageSchema,
  requestMessageSchema,
  responseMessageSchema,
  type AcceptMessage,
  type ControlMessage,
  type ControlMessageKind,
  type ParsedControlMessage,
  type RenewTokenMessage,
  type RequestMessage,
  type RequestMessageInput,
  type ResponseMessage,
} from './control-frames';
export {
  RelayConnectionClosedError,
  RelayEntityNotFoundError,
  RelayForbiddenError,
  RelayListenerBusyError,
  RelayListenerStoppedError,
  RelayNoListenerError,
  RelayProtocolError,
  RelayRejectedError,
  RelayTimeoutError,
  RelayUnauthorizedError,
  RelayUnavailableError,
  type RelayPhase,
} from './relay-errors';
export { CloseCode, describeCloseCode, isSendableCloseCode } from './close-codes';
export { silentLogger, type RelayLogger } from './relay-logger';
export { rawDataToBuffer } from './raw-data';
export { withLowerCaseNames } from './header-names';
export { openRelaySocket, handshakeError, type OpenSocketOptions } from './open-socket';
export {
  CONTROL_CHANNEL_BODY_LIMIT,
  CONTROL_CHANNEL_HEADER_LIMIT,
  HttpResponseAssembler,
  type RelayHttpRequest,
  type RelayHttpResponse,
  type RelayRequestHandler,
} from './http-mode';
export {
  connectToRelay,
  openRelaySession,
  type ConnectOptions,
  type OpenSessionOptions,
} from './sender';
export {
  RelayListener,
  type AcceptDecision,
  type AcceptInfo,
  type ListenerOptions,
  type ListenerState,
  type ListenerStatus,
} from './listener';
export * from './session/index';
