import { describeError, errorCode } from '@mbs/errors';
import { currentTraceparent, type Logger, withSpan } from '@mbs/telemetry';
import type { GatewayStore } from '../gateways/gateway-store';
import type { SessionManager } from './session-manager';

export interface EchoOptions {
  readonly sessions: SessionManager;
  readonly gateways: GatewayStore;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/**
 * Health proven by traffic, not by a flag: every interval each enabled gateway gets a `ping`
 * over its session, and its round-trip time, last success and consecutive failures are recorded
 * on the gateway. A session that does not answer is replaced, since a "zombie" socket (open but
 * carrying nothing) looks connected until something is sent over it.
 */
export class Echo {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: EchoOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.echoAll().finally(() => (this.running = undefined));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One echo to every gateway with a session (open or not); exposed for tests. */
  async echoAll(): Promise<void> {
    await Promise.all(this.options.sessions.gatewayIds().map((id) => this.echo(id)));
  }

  private async echo(gatewayId: string): Promise<void> {
    const { sessions, gateways, logger } = this.options;
    const at = new Date();
    const session = sessions.session(gatewayId);
    try {
      if (!session) {
        const why = sessions.status(gatewayId)?.lastError ?? 'no open session';
        await gateways.recordEchoFailure(gatewayId, why, at);
        return;
      }
      await withSpan('relay echo', { attributes: { 'gateway.id': gatewayId } }, async () => {
        try {
          const rttMs = await session.ping({
            timeoutMs: this.options.timeoutMs,
            traceparent: currentTraceparent(),
          });
          await gateways.recordEchoSuccess(gatewayId, rttMs, at);
        } catch (error) {
          const reason = `echo: ${describeError(error)}`;
          logger.warn({ gatewayId, code: errorCode(error), err: reason }, 'gateway echo failed');
          await gateways.recordEchoFailure(gatewayId, reason, at);
          if (errorCode(error) === 'relay_timeout') sessions.replace(gatewayId, reason);
        }
      });
    } catch (error) {
      logger.error({ gatewayId, err: describeError(error) }, 'gateway health not recorded');
    }
  }
}
