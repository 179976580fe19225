export {
  GatewayStore,
  type MessageStatus,
  type OutboxEntry,
  type ReceivedMessage,
  type StoreCounts,
} from './gateway-store';
export { PayloadRetention, type PayloadRetentionOptions } from './payload-retention';
