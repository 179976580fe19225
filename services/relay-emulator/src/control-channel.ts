import type { Duplex } from 'node:stream';
import {
  CloseCode,
  HttpResponseAssembler,
  parseControlMessage,
  rawDataToBuffer,
  type AcceptMessage,
  type RequestMessageInput,
  type ResponseMessage,
} from '@mbs/relay';
import type { Logger } from '@mbs/telemetry';
import WebSocket from 'ws';
import { authorize } from './authorize';
import type { HybridConnection } from './entities';

export interface ControlChannelOptions {
  readonly socket: WebSocket;
  /** The TCP socket under the WebSocket (only the silence test hook touches it). */
  readonly rawSocket: Duplex;
  readonly entity: HybridConnection;
  readonly id: string;
  /**
   * The host the listener connected to (its Host header). Rendezvous addresses sent to it name
   * this host, as Azure's name the namespace the listener knows: a listener follows only those.
   */
  readonly host: string;
  readonly keyName: string | undefined;
  readonly expiresAt: number | undefined;
  readonly logger: Logger;
  /** Ping the listener this often; one missed pong and the channel is dropped. */
  readonly heartbeatIntervalMs: number;
  readonly onResponse: (response: ResponseMessage['response'], body: Buffer | undefined) => void;
  readonly onClose: (channel: ControlChannel, code: number, reason: string) => void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The service side of one listener's control channel: sends `accept` and `request`, takes
 * `renewToken` and `response`, closes with 1008 when the token expires, and drops a listener
 * that stops answering pings.
 */
export class ControlChannel {
  readonly id: string;
  readonly entity: HybridConnection;
  readonly host: string;
  private expiresAt: number | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private alive = true;
  private readonly responses = new HttpResponseAssembler();
  private readonly logger: Logger;

  constructor(private readonly options: ControlChannelOptions) {
    this.id = options.id;
    this.entity = options.entity;
    this.host = options.host;
    this.expiresAt = options.expiresAt;
    this.logger = options.logger;
    const { socket } = options;
    socket.on('message', (data, isBinary) => {
      try {
        this.receive(data, isBinary);
      } catch (error) {
        // A fault of the service, not of the listener: Azure closes the channel with 1011.
        this.logger.error(
          { entity: this.entity.path, listener: this.id, err: String(error) },
          'control channel failed inside the emulator; closing it with 1011',
        );
        this.close(CloseCode.internalError, 'Something went wrong in the service');
      }
    });
    socket.on('pong', () => (this.alive = true));
    socket.on('error', (error) =>
      this.logger.warn(
        { entity: this.entity.path, listener: this.id, err: error.message },
        'listener socket error',
      ),
    );
    socket.on('close', (code, reason) => {
      this.stopTimers();
      options.onClose(this, code, reason.toString());
    });
    this.scheduleExpiry();
    this.heartbeat = setInterval(() => {
      if (!this.alive) {
        this.logger.warn(
          { entity: this.entity.path, listener: this.id },
          'listener missed a heartbeat; dropping its control channel',
        );
        socket.terminate();
        return;
      }
      this.alive = false;
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    }, options.heartbeatIntervalMs);
  }

  get isOpen(): boolean {
    return this.options.socket.readyState === WebSocket.OPEN;
  }

  sendAccept(message: AcceptMessage): void {
    this.options.socket.send(JSON.stringify(message));
  }

  sendRequest(message: RequestMessageInput, body: Buffer | undefined): void {
    this.options.socket.send(JSON.stringify(message));
    if (body && body.length > 0) this.options.socket.send(body);
  }

  close(code: number, reason: string): void {
    this.stopTimers();
    if (this.isOpen) this.options.socket.close(code, reason);
    else this.options.socket.terminate();
  }

  /** Test hook: the channel stays connected but nothing moves on it any more (a "zombie"). */
  silence(): void {
    this.stopTimers();
    this.options.rawSocket.pause();
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    this.alive = true;
    const buffer = rawDataToBuffer(data);
    if (isBinary) {
      const complete = this.responses.body(buffer);
      if (complete) this.options.onResponse(complete.fields, complete.body);
      else
        this.logger.warn(
          { entity: this.entity.path, listener: this.id },
          'stray binary frame from listener',
        );
      return;
    }
    const parsed = parseControlMessage(buffer.toString('utf8'));
    switch (parsed.kind) {
      case 'renewToken':
        this.renew(parsed.message.renewToken.token);
        return;
      case 'response': {
        const complete = this.responses.response(parsed.message.response);
        if (complete) this.options.onResponse(complete.fields, undefined);
        return;
      }
      default:
        this.logger.warn(
          {
            entity: this.entity.path,
            listener: this.id,
            kind: parsed.kind,
            reason: parsed.kind === 'invalid' ? parsed.reason : undefined,
          },
          'listener sent a control message the service does not take',
        );
    }
  }

  private renew(token: string): void {
    const result = authorize(this.entity, token, 'Listen');
    if (!result.ok) {
      this.logger.warn(
        { entity: this.entity.path, listener: this.id, reason: result.reason },
        'renewToken refused; closing the control channel with 1008',
      );
      this.close(CloseCode.policyViolation, `renewToken refused: ${result.reason}`);
      return;
    }
    this.expiresAt = result.expiresAt;
    this.scheduleExpiry();
    this.logger.info(
      {
        entity: this.entity.path,
        listener: this.id,
        keyName: result.keyName,
        expiresAt: result.expiresAt ? new Date(result.expiresAt).toISOString() : undefined,
      },
      'listener renewed its token',
    );
  }

  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    if (this.expiresAt === undefined) return;
    const delay = this.expiresAt - Date.now();
    this.expiryTimer = setTimeout(
      () => {
        if (this.expiresAt !== undefined && this.expiresAt > Date.now()) {
          this.scheduleExpiry();
          return;
        }
        this.logger.info(
          { entity: this.entity.path, listener: this.id },
          'listener token expired; closing the control channel with 1008',
        );
        this.close(CloseCode.policyViolation, 'The security token has expired');
      },
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
  }

  private stopTimers(): void {
    clearTimeout(this.expiryTimer);
    clearInterval(this.heartbeat);
  }
}
