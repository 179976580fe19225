import { on, type Bus, type MessageHandler } from '@mbs/bus';
import {
  AppointmentCommandRejected,
  AppointmentStateChanged,
  MessageConfirmed,
  MessageDelivered,
  MessageFailed,
  type AnyContract,
} from '@mbs/contracts';
import type { RejectionStore } from '../notifications/rejection-store';
import { liveContracts, type LiveFeed, type LiveMessage } from './live-feed';

/** web's durable queue (`<ns>.web`): competing consumers across replicas. */
export const CONSUMER = 'web';
/** Each replica's own broadcast listener. */
export const LISTENER = 'live';

/**
 * The durable part of live updates (ADR 0001): a rejection is stored for the person who clicked
 * before anything else, then every event is re-announced to all replicas. A failure throws, so
 * the bus retries; storing and broadcasting again change nothing.
 */
export function liveRelayHandlers(
  bus: Pick<Bus, 'broadcast'>,
  rejections: RejectionStore,
): MessageHandler<AnyContract>[] {
  return [
    on(AppointmentCommandRejected, async (message) => {
      await rejections.record(message);
      await bus.broadcast(AppointmentCommandRejected, message);
    }),
    on(AppointmentStateChanged, (message) => bus.broadcast(AppointmentStateChanged, message)),
    on(MessageDelivered, (message) => bus.broadcast(MessageDelivered, message)),
    on(MessageConfirmed, (message) => bus.broadcast(MessageConfirmed, message)),
    on(MessageFailed, (message) => bus.broadcast(MessageFailed, message)),
  ];
}

/** What this replica hears of the broadcasts: into its feed, to the pages watching. */
export function liveListenerHandlers(feed: LiveFeed): MessageHandler<AnyContract>[] {
  return liveContracts.map((contract) =>
    on(contract as AnyContract, async (message) => void feed.push(message as LiveMessage)),
  );
}

/** Subscribes web's durable consumer and this replica's listener. */
export async function startLiveUpdates(options: {
  readonly bus: Bus;
  readonly rejections: RejectionStore;
  readonly feed: LiveFeed;
}): Promise<void> {
  // Listen first: an event relayed the moment the consumer starts is then heard here too.
  await options.bus.listen(LISTENER, liveListenerHandlers(options.feed));
  await options.bus.subscribe(CONSUMER, liveRelayHandlers(options.bus, options.rejections));
}
