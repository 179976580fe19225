export {
  GatewayStore,
  type MessageStatus,
  type OutboxEntry,
  type ReceivedMessage,
  type StoreCounts,
} from './gateway-store';
