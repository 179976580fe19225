import { backoffDelay, describeError, errorCode } from '@mbs/errors';
import { openRelaySession, type FrameHandler, type RelaySession } from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import type { RelayEndpointCheck } from '../domain/relay-endpoint-policy';
import type { Gateway } from '../gateways/gateway';
import { GatewayKeysMissingError, RelayEndpointRefusedError } from '../gateways/gateway-errors';
import {
  SEND_KEY_SECRET_NAME,
  SecretNameRefusedError,
  SecretNotSetError,
  type SecretSource,
} from '../secrets/secret-source';

export type SessionState = 'connecting' | 'open' | 'waiting' | 'closed';

export interface SessionStatus {
  readonly gatewayId: string;
  readonly state: SessionState;
  /** Why the last open failed or the session closed, naming the phase. */
  readonly lastError: string | null;
  readonly openedAt: string | null;
  readonly reconnectAttempt: number;
  /** Upstream events this gateway sent that were refused since the dispatcher started. */
  readonly refusedUpstreamEvents?: number;
}

export interface GatewaySessionOptions {
  readonly gateway: Gateway;
  readonly secrets: SecretSource;
  readonly logger: Logger;
  readonly onFrame: FrameHandler;
  /** Called on every (re)open: what waited for this gateway can be sent now. */
  readonly onOpen: (gatewayId: string) => void;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly connectTimeoutMs: number;
  /** Why the gateway's relay endpoint may not be used (not on the allow-list), or undefined. */
  readonly checkEndpoint: RelayEndpointCheck;
}

/**
 * One relay session to one gateway, kept open: opened at once, reopened with backoff and jitter
 * whenever it fails to open or closes. A gateway with no listener (`relay_no_listener`) is
 * offline: the session keeps trying and messages wait. The key is read from the secret source
 * at each open (so a rotated key is picked up) and never logged.
 */
export class GatewaySession {
  private session: RelaySession | undefined;
  private state: SessionState = 'closed';
  private lastError: string | null = null;
  private openedAt: Date | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(readonly options: GatewaySessionOptions) {}

  get gatewayId(): string {
    return this.options.gateway.gatewayId;
  }

  /** The open session, or undefined while the gateway is unreachable. */
  current(): RelaySession | undefined {
    return this.session?.isOpen ? this.session : undefined;
  }

  status(): SessionStatus {
    return {
      gatewayId: this.gatewayId,
      state: this.state,
      lastError: this.lastError,
      openedAt: this.openedAt?.toISOString() ?? null,
      reconnectAttempt: this.attempt,
    };
  }

  start(): void {
    this.stopped = false;
    void this.open();
  }

  /** Drops the current session (e.g. it stopped answering echoes): it is reopened. */
  replace(reason: string): void {
    this.lastError = reason;
    this.session?.terminate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.state = 'closed';
    const session = this.session;
    this.session = undefined;
    if (session) await session.close(1000, 'dispatcher stopping');
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const { gateway, secrets, logger } = this.options;
    this.state = 'connecting';
    try {
      // A record stored before the allow-list, or before it changed, is checked at every open.
      const endpointProblem = this.options.checkEndpoint(gateway.relayEndpoint);
      if (endpointProblem) throw new RelayEndpointRefusedError(gateway.gatewayId, endpointProblem);
      // Without its keys nothing can be sealed for it nor anything it says verified.
      if (!gateway.publicKeys) throw new GatewayKeysMissingError(gateway.gatewayId);
      if (!SEND_KEY_SECRET_NAME.test(gateway.sendKeySecret)) {
        throw new SecretNameRefusedError(gateway.sendKeySecret, gateway.gatewayId);
      }
      const key = await secrets.get(gateway.sendKeySecret);
      if (!key) throw new SecretNotSetError(gateway.sendKeySecret, gateway.gatewayId);
      const session = await openRelaySession({
        endpoint: gateway.relayEndpoint,
        path: gateway.hybridConnection,
        keyName: gateway.sendKeyName,
        key,
        id: `relay-dispatcher-${gateway.gatewayId}`,
        timeoutMs: this.options.connectTimeoutMs,
        logger,
      });
      if (this.stopped) {
        await session.close(1000, 'dispatcher stopping');
        return;
      }
      this.session = session;
      this.state = 'open';
      this.openedAt = new Date();
      this.attempt = 0;
      this.lastError = null;
      session.onFrame(this.options.onFrame);
      session.once('close', ({ code, reason }) => this.onClosed(session, code, reason));
      logger.info({ gatewayId: gateway.gatewayId }, 'gateway session open');
      this.options.onOpen(gateway.gatewayId);
    } catch (error) {
      this.lastError = `connect: ${describeError(error)}`;
      const level = errorCode(error) === 'relay_no_listener' ? 'info' : 'warn';
      // One line per failed open, at info while the gateway is merely offline: no log floods.
      logger[level](
        {
          gatewayId: gateway.gatewayId,
          code: errorCode(error),
          phase: 'connect',
          err: describeError(error),
        },
        'gateway session could not open; retrying',
      );
      this.scheduleReopen();
    }
  }

  private onClosed(session: RelaySession, code: number, reason: string): void {
    if (this.session !== session) return;
    this.session = undefined;
    if (this.stopped) return;
    this.lastError = `session: closed with ${code}${reason ? ` (${reason})` : ''}`;
    this.options.logger.warn(
      { gatewayId: this.gatewayId, code, reason },
      'gateway session closed; reopening',
    );
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.stopped) return;
    this.state = 'waiting';
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, {
      baseMs: this.options.reconnectBaseMs,
      maxMs: this.options.reconnectMaxMs,
    });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.open(), delay);
  }
}
