import { join } from 'node:path';
import type { BackoffOptions } from '@mbs/errors';
import { RelayListener, RelaySession, type ListenerOptions } from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import type { Jwks, PublicJwk } from '@mbs/trust';
import type { FastifyInstance } from 'fastify';
import type { Target } from './config';
import { DeliveryRunner } from './delivery/index';
import { buildHttpApi, type GatewayHealth } from './http/index';
import { FrameProtection } from './protection/frame-protection';
import type { GatewayKeySource } from './protection/key-file';
import { frameRouter } from './relay/frame-router';
import { GatewayStore, PayloadRetention } from './store/index';
import { OutboxPump } from './upstream/index';

export interface GatewayOptions {
  readonly relay: {
    readonly endpoint: string;
    readonly path: string;
    readonly keyName: string;
    readonly key: string;
  } & Partial<
    Pick<
      ListenerOptions,
      'keepAliveIntervalMs' | 'keepAliveTimeoutMs' | 'backoff' | 'maxFrameBytes'
    >
  >;
  readonly targets: readonly Target[];
  /** This gateway's id as the dispatcher registered it (GATEWAY_ID): its orders' audience. */
  readonly gatewayId: string;
  /** Its own private keys (GATEWAY_KEYS_FILE): orders are decrypted and answers signed with them. */
  readonly keys: GatewayKeySource;
  /**
   * The dispatcher's public signing keys (GATEWAY_DISPATCHER_KEYS, current and next): orders and
   * the acks of upstream events verify with one of them. A function, so a test can rotate them
   * while the gateway runs.
   */
  readonly dispatcherKeys: Jwks<PublicJwk> | (() => Jwks<PublicJwk>);
  /** Directory of `gateway.sqlite`. */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Delay between delivery attempts. Default 1 s doubling to 30 s. */
  readonly deliveryBackoff?: Partial<BackoffOptions>;
  /** Resend an unacknowledged upstream event after this long. Default 15 000 ms. */
  readonly outboxRetryMs?: number;
  /** How long a confirmed message keeps its payload. Default 30 days. */
  readonly payloadRetentionMs?: number;
  /** Deliveries to hospital targets under way at once. Default 8. */
  readonly maxConcurrentDeliveries?: number;
  /** Modality reports its local API takes a minute (429 beyond). Default 600. */
  readonly modalityEventsPerMinute?: number;
  /** The bearer token its local API's POST /modality-events requires. */
  readonly apiToken: string;
  /** How often payloads past the retention are removed. Default hourly. */
  readonly purgeIntervalMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Gateway {
  readonly app: FastifyInstance;
  readonly listener: RelayListener;
  readonly store: GatewayStore;
  health(): GatewayHealth;
  /** Stops listening, lets deliveries in progress finish briefly, closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Everything main.ts runs, minus the process concerns (configuration, signals, the HTTP port),
 * so the tests run exactly this. The listener is started; call `listener.waitUntilOnline()`.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { logger } = options;
  const store = GatewayStore.open(join(options.dataDir, 'gateway.sqlite'));
  if (store.notPrivate.length > 0) {
    // Not fatal (the files inside are what matter, and a volume's root is often not ours), but
    // someone should know that other local users can see into the store.
    logger.warn(
      { phase: 'store', paths: store.notPrivate },
      'store paths not owned by the gateway user could not be made owner-only; fix their permissions',
    );
  }
  const { dispatcherKeys } = options;
  const protection = new FrameProtection({
    gatewayId: options.gatewayId,
    keys: options.keys,
    dispatcherKeys: typeof dispatcherKeys === 'function' ? dispatcherKeys : () => dispatcherKeys,
  });
  const pump = new OutboxPump({
    store,
    logger,
    retryAfterMs: options.outboxRetryMs,
    sign: (body) => protection.sign(body),
    openAck: (body) => protection.openAck(body),
  });
  const retention = new PayloadRetention({
    store,
    retentionMs: options.payloadRetentionMs ?? 30 * DAY_MS,
    intervalMs: options.purgeIntervalMs ?? 60 * 60 * 1000,
    logger,
  });
  const runner = new DeliveryRunner({
    store,
    targets: options.targets,
    logger,
    backoff: options.deliveryBackoff,
    maxConcurrent: options.maxConcurrentDeliveries,
    onOutcome: () => pump.kick(),
  });
  const route = frameRouter({
    store,
    runner,
    pump,
    logger,
    targetNames: options.targets.map((target) => target.name),
    protection,
  });
  let lastFrameAt: Date | undefined;
  const { endpoint, path, keyName, key, ...tuning } = options.relay;

  const listener = new RelayListener({
    endpoint,
    path,
    keyName,
    key,
    ...tuning,
    logger,
    // The raw socket, so every frame (pings too) counts as traffic for the health report.
    onConnection: (socket, info) => {
      socket.on('message', () => (lastFrameAt = new Date()));
      const session = new RelaySession(socket, {
        maxFrameBytes: options.relay.maxFrameBytes,
        logger,
        name: `gateway ${path} <- ${info.id}`,
      });
      session.onFrame(route);
      session.once('close', ({ code, reason }) =>
        logger.info(
          { phase: 'relay_session', id: info.id, code, reason },
          'dispatcher session closed',
        ),
      );
      logger.info({ phase: 'relay_session', id: info.id }, 'dispatcher session opened');
      pump.addSession(session);
    },
  });
  listener.on('state', ({ state, lastError, attempt }) => {
    const fields = { phase: 'relay_listen', state, attempt, err: lastError?.message };
    // Refused (a wrong key, a missing right, no such hybrid connection) will not heal by itself:
    // someone must fix the configuration, so it is an error, not a passing reconnect.
    if (state === 'refused')
      logger.error(fields, 'relay listener refused: check the key and entity');
    else if (state === 'reconnecting') logger.warn(fields, 'relay listener reconnecting');
    else logger.info(fields, `relay listener ${state}`);
  });

  const health = (): GatewayHealth => {
    const status = listener.status;
    const storeOk = store.ping();
    const counts = storeOk ? store.counts() : undefined;
    return {
      ok: status.state === 'online' && storeOk,
      listener: {
        state: status.state,
        since: status.since.toISOString(),
        attempt: status.attempt,
        ...(status.lastError ? { lastError: status.lastError.message } : {}),
      },
      hybridConnection: path,
      sessionsOpen: pump.openSessions,
      lastFrameAt: lastFrameAt?.toISOString() ?? null,
      store: { ok: storeOk, journalMode: storeOk ? store.journalMode : undefined },
      deliveriesInFlight: runner.inFlightCount,
      deliveriesWaiting: runner.waitingCount,
      // Acks that did not verify (forged, unsigned, expired, another gateway's): nothing changed.
      refusedAcks: pump.refusedAcks,
      ...(counts ?? {}),
    };
  };

  const app = await buildHttpApi({
    store,
    logger,
    health,
    onEvent: () => pump.kick(),
    modalityEventsPerMinute: options.modalityEventsPerMinute,
    apiToken: options.apiToken,
  });

  const resumed = runner.resume();
  if (resumed > 0) logger.info({ resumed }, 'resuming deliveries interrupted by the last stop');
  pump.start();
  retention.start();
  listener.start();

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5000): Promise<void> =>
    (stopping ??= (async () => {
      await listener.stop();
      pump.stop();
      await pump.idle();
      retention.stop();
      await runner.stop(graceMs);
      await app.close();
      store.close();
    })());

  return { app, listener, store, health, stop };
}
