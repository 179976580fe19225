import type { RelayEndpointCheck } from '../domain/relay-endpoint-policy';
import { describeError } from '@mbs/errors';
import type { FrameHandler, RelaySession } from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import type { GatewayPublicJwks } from '@mbs/trust';
import type { Gateway } from '../gateways/gateway';
import type { GatewayStore } from '../gateways/gateway-store';
import type { SecretSource } from '../secrets/secret-source';
import { GatewaySession, type SessionStatus } from './gateway-session';

export interface SessionManagerOptions {
  readonly gateways: GatewayStore;
  readonly secrets: SecretSource;
  readonly logger: Logger;
  /** Handles a gateway's upstream frames; told which gateway the session belongs to. */
  readonly onFrame: (gatewayId: string) => FrameHandler;
  readonly onOpen: (gatewayId: string) => void;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly connectTimeoutMs: number;
  /** Why a relay endpoint may not be used (DISPATCHER_RELAY_ENDPOINTS), or undefined. */
  readonly checkEndpoint: RelayEndpointCheck;
}

/**
 * What a session is opened with: a change to any of it reopens the session. Whether the gateway
 * has keys is part of it (none: no session); which keys is not, so a rotation of its keys takes
 * effect at the next frame without dropping the session (`publicKeysOf`).
 */
const connectionOf = (g: Gateway) =>
  [
    g.relayEndpoint,
    g.hybridConnection,
    g.sendKeyName,
    g.sendKeySecret,
    g.publicKeys ? 'keys' : 'no keys',
  ].join('\u0000');

/**
 * One session per enabled gateway. `sync()` reads the gateways and opens, closes or reopens
 * sessions to match: at start and after every change through the API.
 */
export class SessionManager {
  private readonly sessions = new Map<string, { session: GatewaySession; connection: string }>();
  /** Each enabled gateway's public keys as last read (`sync`, after every change). */
  private readonly keys = new Map<string, GatewayPublicJwks>();
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: SessionManagerOptions) {}

  sync(): Promise<void> {
    // One sync at a time, in order, so two quick API changes never race.
    this.syncing = this.syncing
      .then(() => this.syncNow())
      .catch((error: unknown) => {
        this.options.logger.error(
          { err: describeError(error) },
          'gateway sessions could not be synced',
        );
      });
    return this.syncing;
  }

  /** An enabled gateway's registered public keys, as of the last change through the API. */
  publicKeysOf(gatewayId: string): GatewayPublicJwks | undefined {
    return this.keys.get(gatewayId);
  }

  session(gatewayId: string): RelaySession | undefined {
    return this.sessions.get(gatewayId)?.session.current();
  }

  /** Drops a gateway's session so it is reopened (it stopped answering). */
  replace(gatewayId: string, reason: string): void {
    this.sessions.get(gatewayId)?.session.replace(reason);
  }

  statuses(): SessionStatus[] {
    return [...this.sessions.values()].map(({ session }) => session.status());
  }

  status(gatewayId: string): SessionStatus | undefined {
    return this.sessions.get(gatewayId)?.session.status();
  }

  gatewayIds(): string[] {
    return [...this.sessions.keys()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.syncing;
    await Promise.all([...this.sessions.values()].map(({ session }) => session.stop()));
    this.sessions.clear();
  }

  private async syncNow(): Promise<void> {
    if (this.stopped) return;
    const enabled = await this.options.gateways.list({ enabled: true });
    const wanted = new Map(enabled.map((g) => [g.gatewayId, g]));
    this.keys.clear();
    for (const gateway of enabled) {
      if (gateway.publicKeys) this.keys.set(gateway.gatewayId, gateway.publicKeys);
    }
    for (const [gatewayId, entry] of this.sessions) {
      const gateway = wanted.get(gatewayId);
      if (!gateway || connectionOf(gateway) !== entry.connection) {
        this.sessions.delete(gatewayId);
        await entry.session.stop();
        this.options.logger.info({ gatewayId }, 'gateway session closed (disabled or changed)');
      }
    }
    for (const gateway of enabled) {
      if (this.sessions.has(gateway.gatewayId)) continue;
      const session = new GatewaySession({
        gateway,
        secrets: this.options.secrets,
        logger: this.options.logger,
        onFrame: this.options.onFrame(gateway.gatewayId),
        onOpen: this.options.onOpen,
        reconnectBaseMs: this.options.reconnectBaseMs,
        reconnectMaxMs: this.options.reconnectMaxMs,
        connectTimeoutMs: this.options.connectTimeoutMs,
        checkEndpoint: this.options.checkEndpoint,
      });
      this.sessions.set(gateway.gatewayId, { session, connection: connectionOf(gateway) });
      session.start();
    }
  }
}
