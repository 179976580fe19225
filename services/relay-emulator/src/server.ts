import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CloseCode, type AcceptMessage } from '@mbs/relay';
import { createLogger, type Logger } from '@mbs/telemetry';
import { WebSocketServer, type WebSocket } from 'ws';
import { authorize } from './authorize';
import { ControlChannel } from './control-channel';
import { DEV_ENTITIES, type HybridConnection } from './entities';
import { refuseUpgrade } from './handshake-refusal';
import { HttpBridge } from './http-bridge';
import { forwardedRequestHeaders } from './http-headers';
import { ListenerRegistry, MAX_LISTENERS_PER_ENTITY } from './listener-registry';
import { DEFAULT_RENDEZVOUS_TTL_MS, RendezvousRegistry } from './rendezvous-registry';
import { bridge, type RelayDirection } from './websocket-bridge';

/** A frame the emulator relayed between a sender and a listener, as it carried it. */
export interface RelayedFrame {
  /** The hybrid connection. */
  readonly path: string;
  readonly direction: RelayDirection;
  readonly binary: boolean;
  /** The frame's bytes: text as it was, binary as base64. */
  readonly data: string;
  readonly at: string;
}

export interface RelayEmulatorOptions {
  /** Port to listen on; 0 picks a free one (tests). Default 0. */
  readonly port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Hybrid connections with their keys. Default: `gateway-local` with dev keys. */
  readonly entities?: readonly HybridConnection[];
  /** Default: a silent logger. */
  readonly logger?: Logger;
  /** How long an accept or request rendezvous address stays usable. Default 30 000 ms. */
  readonly rendezvousTtlMs?: number;
  /** How long a listener has to answer an HTTP request before the sender gets 504. Default 60 000 ms. */
  readonly httpResponseTimeoutMs?: number;
  /** The service pings each listener this often and drops one that misses a pong. Default 30 000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** Largest HTTP-mode request body. Default 16 MiB. */
  readonly maxRequestBodyBytes?: number;
  /**
   * A tap for tests: told every WebSocket frame relayed between a sender and a listener, as the
   * relay carried it, to prove what a relay operator can and cannot see. Azure has no such thing.
   */
  readonly onRelayedFrame?: (frame: RelayedFrame) => void;
}

export interface RelayEmulator {
  /** The endpoint to configure clients with, e.g. `ws://127.0.0.1:9090`. */
  readonly url: string;
  readonly port: number;
  /** Listeners currently connected to a hybrid connection. */
  listenerCount(path: string): number;
  /**
   * Test hook: every listener of `path` stays connected but stops carrying anything, and the
   * service stops routing to it: the "zombie listener". Returns how many were silenced.
   */
  silenceListeners(path: string): number;
  /**
   * Fault-injection hook for tests: acts as if the service failed internally on `path`, closing
   * every listener control channel with 1011 ("something went wrong in the service"), which is
   * what Azure sends then. The listeners are expected to reconnect. Returns how many were closed.
   */
  failListeners(path: string): number;
  /** Deletes a hybrid connection: its listeners are closed with 1001, as Azure does. */
  removeEntity(path: string): void;
  close(): Promise<void>;
}

/** Rendezvous keys are UUIDs (RendezvousRegistry); anything else was never an address of ours. */
const RENDEZVOUS_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface PendingAccept {
  readonly request: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly entity: string;
  readonly id: string;
}

/** Starts an Azure Relay Hybrid Connections emulator; resolves once it is listening. */
export async function createRelayEmulator(
  options: RelayEmulatorOptions = {},
): Promise<RelayEmulator> {
  const logger = options.logger ?? createLogger({ service: 'relay-emulator', level: 'silent' });
  const entities = new Map(
    (options.entities ?? DEV_ENTITIES).map((entity) => [entity.path.toLowerCase(), entity]),
  );
  const findEntity = (path: string) => entities.get(path.toLowerCase());
  const listeners = new ListenerRegistry<ControlChannel>();
  const accepts = new RendezvousRegistry<PendingAccept>(
    options.rendezvousTtlMs ?? DEFAULT_RENDEZVOUS_TTL_MS,
  );
  const http = new HttpBridge({
    findEntity,
    listeners,
    logger,
    responseTimeoutMs: options.httpResponseTimeoutMs ?? 60_000,
    rendezvousTtlMs: options.rendezvousTtlMs ?? DEFAULT_RENDEZVOUS_TTL_MS,
    maxRequestBodyBytes: options.maxRequestBodyBytes ?? 16 * 1024 * 1024,
  });
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = createServer((request, response) => {
    http.handle(request, response).catch((error: unknown) => {
      logger.error({ err: String(error) }, 'HTTP-mode request failed inside the emulator');
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  const outcome = (
    fields: Record<string, unknown>,
    status: number,
    reason: string,
    socket: Duplex,
  ) => {
    logger.warn({ ...fields, outcome: 'refused', status, reason }, 'relay connection refused');
    refuseUpgrade(socket, status, reason);
  };

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const host = request.headers.host ?? 'relay-emulator';
    const url = new URL(request.url ?? '/', `http://${host}`);
    const match = /^\/\$hc\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const action = url.searchParams.get('sb-hc-action');
    const id = url.searchParams.get('sb-hc-id') ?? randomUUID();
    const entityPath = match?.[1] ? safeDecode(match[1]) : '';
    const log = { action, entity: entityPath, id };
    if (!match) return outcome(log, 404, 'Not a hybrid connection address ($hc/{path})', socket);

    if (action === 'accept') return onAccept(request, socket, head, url, log);
    if (action === 'request') {
      // The document's answers for a request rendezvous: 400 for an address that is not one of
      // ours at all, 403 for one that was ours but has expired or been used.
      const key = url.searchParams.get('sb-hc-rendezvous');
      if (!key || !RENDEZVOUS_KEY.test(key) || !url.searchParams.get('sb-hc-id')) {
        return outcome(log, 400, 'Invalid request: the rendezvous URL is not valid', socket);
      }
      const pending = http.takeRendezvous(key);
      if (!pending) return outcome(log, 403, 'The URL has expired', socket);
      wss.handleUpgrade(request, socket, head, (ws) => {
        logger.info({ ...log, outcome: 'opened' }, 'HTTP rendezvous opened');
        http.attachRendezvous(pending, ws);
      });
      return;
    }
    if (action !== 'listen' && action !== 'connect') {
      return outcome(log, 400, `Unrecognized action "${action ?? ''}"`, socket);
    }

    const entity = findEntity(entityPath);
    if (!entity) {
      return outcome(log, 404, `No hybrid connection "${entityPath}" in this namespace`, socket);
    }
    const token =
      url.searchParams.get('sb-hc-token') ?? headerValue(request, 'servicebusauthorization');
    const auth = authorize(entity, token, action === 'listen' ? 'Listen' : 'Send');
    if (!auth.ok) return outcome(log, auth.status, auth.reason, socket);
    const authorized = { ...log, entity: entity.path, keyName: auth.keyName };

    if (action === 'listen') {
      if (listeners.count(entity.path) >= MAX_LISTENERS_PER_ENTITY) {
        return outcome(
          authorized,
          403,
          `Hybrid connection "${entity.path}" already has ${MAX_LISTENERS_PER_ENTITY} listeners`,
          socket,
        );
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        const channel = new ControlChannel({
          socket: ws,
          rawSocket: socket,
          entity,
          id,
          host,
          keyName: auth.keyName,
          expiresAt: auth.expiresAt,
          logger,
          heartbeatIntervalMs,
          onResponse: (response, body) => http.onControlResponse(response, body),
          onClose: (closed, code, reason) => {
            listeners.remove(entity.path, closed);
            logger.info(
              { ...authorized, code, reason, listeners: listeners.count(entity.path) },
              'listener disconnected',
            );
          },
        });
        listeners.add(entity.path, channel);
        logger.info(
          { ...authorized, outcome: 'listening', listeners: listeners.count(entity.path) },
          'listener connected',
        );
      });
      return;
    }

    // connect
    const channel = listeners.pick(entity.path, (candidate) => candidate.isOpen);
    if (!channel) {
      return outcome(
        authorized,
        404,
        `There are no listeners connected for the endpoint "${entity.path}"`,
        socket,
      );
    }
    const pending: PendingAccept = { request, socket, head, entity: entity.path, id };
    const key = accepts.add(pending, () =>
      outcome(
        authorized,
        504,
        `The listener did not accept the connection within ${options.rendezvousTtlMs ?? DEFAULT_RENDEZVOUS_TTL_MS} ms`,
        socket,
      ),
    );
    socket.once('close', () => accepts.cancel(key));
    const senderQuery = [...url.searchParams].filter(([name]) => !name.startsWith('sb-hc-'));
    // On the host the chosen listener connected to (which it checks), not the sender's.
    const address = new URL(`ws://${channel.host}/$hc/${match[1]}${match[2] ?? ''}`);
    for (const [name, value] of senderQuery) address.searchParams.append(name, value);
    address.searchParams.set('sb-hc-action', 'accept');
    address.searchParams.set('sb-hc-id', id);
    address.searchParams.set('sb-hc-rendezvous', key);
    const accept: AcceptMessage = {
      accept: {
        address: address.toString(),
        id,
        connectHeaders: forwardedRequestHeaders(request.rawHeaders, ['servicebusauthorization']),
      },
    };
    channel.sendAccept(accept);
    logger.info(
      { ...authorized, listener: channel.id, outcome: 'offered' },
      'sender waiting for accept',
    );
  }

  function onAccept(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    log: Record<string, unknown>,
  ): void {
    const pending = accepts.take(url.searchParams.get('sb-hc-rendezvous'));
    if (!pending || pending.socket.destroyed) {
      return outcome(log, 403, 'The URL is not valid (unknown, already used or expired)', socket);
    }
    const rejectCode = url.searchParams.get('sb-hc-statusCode');
    if (rejectCode !== null) {
      const status = /^[1-5]\d\d$/.test(rejectCode) ? Number(rejectCode) : 400;
      const description =
        url.searchParams.get('sb-hc-statusDescription') ?? 'Rejected by the listener';
      logger.info(
        { ...log, entity: pending.entity, outcome: 'rejected', status, reason: description },
        'listener rejected a sender',
      );
      refuseUpgrade(pending.socket, status, description);
      // By design the rejection handshake itself "fails" with 410.
      refuseUpgrade(socket, 410, 'Gone: the rejection was delivered');
      return;
    }
    wss.handleUpgrade(request, socket, head, (listenerSocket) => {
      wss.handleUpgrade(pending.request, pending.socket, pending.head, (senderSocket) => {
        logger.info(
          { ...log, entity: pending.entity, outcome: 'connected' },
          'sender connected to a listener',
        );
        const tap = options.onRelayedFrame;
        const entityPath = pending.entity;
        bridge(
          senderSocket,
          listenerSocket,
          () => logger.info({ ...log, entity: pending.entity }, 'relayed connection closed'),
          tap &&
            ((direction, data, binary) => {
              const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
              tap({
                path: entityPath,
                direction,
                binary,
                data: binary ? bytes.toString('base64') : bytes.toString('utf8'),
                at: new Date().toISOString(),
              });
            }),
        );
      });
    });
  }

  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => undefined);
    try {
      upgrade(request, socket, head);
    } catch (error) {
      logger.error({ err: String(error) }, 'relay emulator failed on a handshake');
      refuseUpgrade(socket, 500, 'Something went wrong in the service');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  return {
    url: `ws://${shownHost}:${port}`,
    port,
    listenerCount: (path) => listeners.count(path),
    silenceListeners(path) {
      const silenced = listeners.list(path);
      for (const channel of silenced) {
        listeners.remove(path, channel);
        channel.silence();
      }
      return silenced.length;
    },
    failListeners(path) {
      const failed = listeners.list(path);
      for (const channel of failed) {
        channel.close(CloseCode.internalError, 'Injected fault: the service failed internally');
      }
      return failed.length;
    },
    removeEntity(path) {
      entities.delete(path.toLowerCase());
      for (const channel of listeners.list(path)) {
        channel.close(
          CloseCode.goingAway,
          'The Hybrid Connection path has been deleted or disabled',
        );
      }
    },
    async close() {
      for (const pending of accepts.clear()) {
        refuseUpgrade(pending.socket, 503, 'The relay emulator is shutting down');
      }
      http.close();
      for (const channel of listeners.all()) {
        channel.close(CloseCode.goingAway, 'The relay emulator is shutting down');
      }
      for (const client of wss.clients) closeClient(client);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const client of wss.clients) client.terminate();
      logger.info({ port }, 'relay emulator stopped');
    },
  };
}

function closeClient(client: WebSocket): void {
  client.close(CloseCode.goingAway, 'The relay emulator is shutting down');
  setTimeout(() => client.terminate(), 500).unref();
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
