import { type Bus, defaultRetryPolicy, type RetryPolicy } from '@mbs/bus';
import type { Store } from '@mbs/store';
import type { Logger } from '@mbs/telemetry';
import type { GatewayPublicJwks, Jwks, PrivateSigningJwk, PublicJwk } from '@mbs/trust';
import type { FastifyInstance } from 'fastify';
import { defaultDispatcherOptions, type DispatcherOptions } from './config';
import { DeliveryLoop } from './delivery/delivery-loop';
import { createOutcomePublisher } from './delivery/outcome-publisher';
import { relayEndpointPolicy } from './domain/relay-endpoint-policy';
import { retrySchedule } from './domain/retry-decision';
import { createGatewayStore, type GatewayStore } from './gateways/gateway-store';
import { messageReady } from './handlers/message-ready';
import { createMessageStore, type MessageStore } from './messages/message-store';
import { FrameProtection } from './protection/frame-protection';
import { PayloadRetention } from './retention/payload-retention';
import { buildHttpApi } from './routes/http-api';
import type { SecretSource } from './secrets/secret-source';
import { Echo } from './sessions/echo';
import { SessionManager } from './sessions/session-manager';
import { upstreamHandler } from './sessions/upstream-events';
import { UpstreamRefusals } from './sessions/upstream-refusals';

/** The consumer (queue `<namespace>.relay-dispatcher`) that takes message ready. */
export const CONSUMER = 'relay-dispatcher';

export interface RelayDispatcherOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly logger: Logger;
  readonly secrets: SecretSource;
  /** web's public signing keys (STAFF_TOKEN_KEYS): the API is for members of staff only. */
  readonly staffKeys: Jwks<PublicJwk>;
  /**
   * The dispatcher's private signing key (DISPATCHER_SIGNING_KEY): it signs every order. A
   * function, so a test can switch it while the dispatcher runs (a rotation).
   */
  readonly signingKey: PrivateSigningJwk | (() => PrivateSigningJwk);
  readonly options?: Partial<DispatcherOptions>;
  readonly retry?: Partial<RetryPolicy>;
}

export interface RelayDispatcher {
  readonly app: FastifyInstance;
  readonly messages: MessageStore;
  readonly gateways: GatewayStore;
  readonly sessions: SessionManager;
  readonly delivery: DeliveryLoop;
  readonly echo: Echo;
  readonly retention: PayloadRetention;
  /**
   * Stops echo, retention, delivery and sessions (not the HTTP app, bus or store: the caller owns
   * them).
   */
  stop(): Promise<void>;
}

/**
 * Everything main.ts runs, minus the process concerns (configuration, signals, listening), so the
 * integration tests run exactly this. Sessions open to every enabled gateway, the delivery loop
 * and the echo start, and message ready is consumed. The caller owns bus and store.
 */
export async function startRelayDispatcher({
  bus,
  store,
  logger,
  secrets,
  staffKeys,
  signingKey,
  options: overrides,
  retry,
}: RelayDispatcherOptions): Promise<RelayDispatcher> {
  const options: DispatcherOptions = { ...defaultDispatcherOptions, ...overrides };
  const messages = createMessageStore(store.connection);
  const gateways = createGatewayStore(store.connection);
  const outcomes = createOutcomePublisher(bus, messages);
  const schedule = retrySchedule(options);
  // Orders sealed with the dispatcher's key for each gateway's registered keys, as the sessions
  // last read them (after every change through the API, so a key rotation takes effect at once).
  const protection: FrameProtection = new FrameProtection({
    signingKey: typeof signingKey === 'function' ? signingKey : () => signingKey,
    gatewayKeys: (gatewayId): GatewayPublicJwks | undefined => sessions.publicKeysOf(gatewayId),
  });

  const delivery: DeliveryLoop = new DeliveryLoop({
    messages,
    outcomes,
    sessionFor: (gatewayId) => sessions.session(gatewayId),
    whyOffline: (gatewayId) => {
      const status = sessions.status(gatewayId);
      if (!status) return 'the gateway is not registered here or is disabled';
      return status.lastError ?? `session ${status.state}`;
    },
    logger,
    options,
    schedule,
    protection,
  });
  const wake = () => delivery.wake();
  const refusals = new UpstreamRefusals();
  const sessions: SessionManager = new SessionManager({
    gateways,
    secrets,
    logger,
    onFrame: (gatewayId) =>
      upstreamHandler(gatewayId, {
        bus,
        refusals,
        messages,
        outcomes,
        logger,
        schedule,
        protection,
      }),
    onOpen: (gatewayId) => {
      // What waited for this gateway goes now.
      void messages
        .releaseWaiting(gatewayId, new Date())
        .then(wake)
        .catch((error: unknown) =>
          logger.error({ gatewayId, err: String(error) }, 'waiting messages not released'),
        );
    },
    reconnectBaseMs: options.reconnectBaseMs,
    reconnectMaxMs: options.reconnectMaxMs,
    connectTimeoutMs: options.connectTimeoutMs,
    checkEndpoint: relayEndpointPolicy(options.relayEndpoints),
  });
  const echo = new Echo({
    sessions,
    gateways,
    logger,
    intervalMs: options.echoIntervalMs,
    timeoutMs: options.ackTimeoutMs,
  });

  const retention = new PayloadRetention({
    messages,
    retentionMs: options.payloadRetentionMs,
    intervalMs: options.purgeIntervalMs,
    logger,
  });

  await sessions.sync();
  delivery.start();
  echo.start();
  retention.start();
  await bus.subscribe(CONSUMER, [messageReady({ messages, wake })], {
    retry: { ...defaultRetryPolicy, ...retry },
  });

  const app = await buildHttpApi({
    messages,
    wake,
    gateways: {
      gateways,
      sessionStatus: (id) => {
        const status = sessions.status(id);
        return status && { ...status, refusedUpstreamEvents: refusals.of(id) };
      },
      changed: () => sessions.sync(),
      relayEndpoints: options.relayEndpoints,
    },
    health: {
      bus: () => bus.health(),
      store: () => store.health(),
      sessions: () => sessions.statuses(),
    },
    logger,
    staffKeys,
    deadLetters: bus.deadLetters(CONSUMER),
  });

  return {
    app,
    messages,
    gateways,
    sessions,
    delivery,
    echo,
    retention,
    async stop() {
      await echo.stop();
      await retention.stop();
      await delivery.stop();
      await sessions.stop();
    },
  };
}
