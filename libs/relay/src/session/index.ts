export {
  continueTrace,
  errorFrameBodySchema,
  newFrameId,
  newTraceparent,
  sessionFrameKinds,
  sessionFrameSchema,
  traceparentSchema,
  type ErrorFrameBody,
  type OutgoingFrame,
  type SessionErrorCode,
  type SessionFrame,
  type SessionFrameKind,
} from './frames';
export {
  DEFAULT_MAX_FRAME_BYTES,
  RelaySession,
  type FrameHandler,
  type RelaySessionOptions,
  type SessionClosed,
} from './session';
