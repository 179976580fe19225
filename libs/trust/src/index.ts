export {
  GatewayPrivateJwks,
  GatewayPublicJwks,
  KeyUse,
  Kid,
  PRIVATE_MEMBERS,
  PrivateEncryptionJwk,
  PrivateJwk,
  PrivateJwks,
  PrivateSigningJwk,
  PublicEncryptionJwk,
  PublicJwk,
  PublicJwks,
  PublicSigningJwk,
  withKeysFor,
  type Jwk,
  type Jwks,
} from './keys/key-schemas';
export {
  generateEncryptionKey,
  generateGatewayKeySet,
  generateSigningKey,
  newKid,
  publicJwk,
  publicJwks,
  type GatewayKeySet,
} from './keys/generate-keys';
export { KeyRing } from './keys/key-ring';
export { writeNewSigningKey, type SigningKeyFiles } from './keys/signing-key-files';
export { MissingKeyError } from './keys/key-errors';
export { DEFAULT_TTL_SECONDS } from './jwt/sign-jwt';
export { DEFAULT_CLOCK_TOLERANCE_SECONDS } from './jwt/verify-jwt';
export { ACK_TYP, DISPATCHER, ORDER_TYP, UPSTREAM_TYP } from './frames/frame-types';
export { FrameRefusedError, type FrameRefusal } from './frames/frame-refused-error';
export { OrderClaims } from './frames/order-claims';
export { sealOrder, type SealOrderOptions } from './frames/seal-order';
export { openOrder, type OpenedOrder, type OpenOrderOptions } from './frames/open-order';
export { signUpstream, type SignUpstreamOptions } from './frames/sign-upstream';
export { verifyUpstream, type VerifyUpstreamOptions } from './frames/verify-upstream';
export { ACK_TTL_SECONDS, signAck, type SignAckOptions } from './frames/sign-ack';
export { verifyAck, type VerifyAckOptions } from './frames/verify-ack';
export {
  STAFF_TOKEN_ISSUER,
  STAFF_TOKEN_TYP,
  StaffAudience,
  StaffIdentity,
} from './staff/staff-identity';
export {
  ForbiddenError,
  StaffTokenError,
  staffAuthErrorStatuses,
  type StaffTokenProblem,
} from './staff/staff-auth-errors';
export { issueStaffToken, type IssueStaffTokenOptions } from './staff/issue-staff-token';
export {
  bearerToken,
  verifyStaffToken,
  type VerifyStaffTokenOptions,
} from './staff/verify-staff-token';
export { requireRole } from './staff/require-role';
export {
  STAFF_TOKEN_RENEW_BEFORE_SECONDS,
  StaffTokenCache,
  type StaffTokenCacheOptions,
} from './staff/staff-token-cache';
export {
  COMMAND_TYP,
  CommandSignatureError,
  SignedCommandFields,
  signCommand,
  signStaffCommand,
  verifyCommand,
  verifyStaffCommand,
  type SignStaffCommandOptions,
  type SignedCommand,
  type StaffCommandEnvelope,
} from './staff/command-signature';
export {
  InvalidKeysError,
  parseKeysJson,
  privateJwkVariable,
  privateJwksVariable,
  publicJwksVariable,
} from './config-variables';
