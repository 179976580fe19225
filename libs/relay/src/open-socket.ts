import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import {
  RelayEntityNotFoundError,
  RelayForbiddenError,
  RelayListenerBusyError,
  RelayNoListenerError,
  RelayRejectedError,
  RelayTimeoutError,
  RelayUnauthorizedError,
  RelayUnavailableError,
  type RelayPhase,
} from './relay-errors';

export interface OpenSocketOptions {
  readonly phase: RelayPhase;
  /** What is being opened, for messages: "listener control channel for gateway-a". */
  readonly purpose: string;
  /** Give up on the handshake after this long. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Largest message accepted on the socket, in bytes (ws closes with 1009 above it). */
  readonly maxPayload?: number;
  /** Abandons the handshake (a listener stopping while it reconnects). */
  readonly signal?: AbortSignal;
}

/** Thrown when a handshake is refused: the HTTP status and what the service said. */
export interface HandshakeRefusal {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly body: string;
}

/**
 * Opens a WebSocket to a relay URL and resolves once it is open, or rejects with a typed error
 * naming what failed: the HTTP status of a refused handshake, a network failure, or a timeout.
 */
export function openRelaySocket(url: string, options: OpenSocketOptions): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: options.headers ? { ...options.headers } : undefined,
      maxPayload: options.maxPayload,
      // Our timer below covers the whole handshake; ws's own is for the TCP+upgrade only.
      handshakeTimeout: options.timeoutMs,
    });
    let settled = false;
    const settle = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        socket.removeAllListeners('open');
        // Keep an error listener: a late error on a dropped socket must not crash the process.
        socket.on('error', () => undefined);
        socket.terminate();
        reject(error);
      } else {
        // Frames can arrive in the same TCP read as the handshake answer (a relay sends the
        // HTTP-mode request at once) and would be emitted before the caller's `await` resumes and
        // attaches its handlers. Hold them until the caller has run.
        socket.pause();
        resolve(socket);
        setImmediate(() => {
          if (socket.readyState === WebSocket.OPEN) socket.resume();
        });
      }
    };
    const timer = setTimeout(() => {
      settle(
        new RelayTimeoutError(
          `${options.purpose}: no answer to the WebSocket handshake within ${options.timeoutMs} ms`,
          { phase: options.phase },
        ),
      );
    }, options.timeoutMs);

    const onAbort = () =>
      settle(
        new RelayUnavailableError(`${options.purpose}: abandoned (stopping)`, {
          phase: options.phase,
        }),
      );
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    socket.once('open', () => settle(undefined));
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      readBody(response).then(
        (body) =>
          settle(
            handshakeError(
              {
                statusCode: response.statusCode ?? 0,
                statusMessage: response.statusMessage ?? '',
                body,
              },
              options,
            ),
          ),
        () =>
          settle(
            handshakeError(
              {
                statusCode: response.statusCode ?? 0,
                statusMessage: response.statusMessage ?? '',
                body: '',
              },
              options,
            ),
          ),
      );
    });
    socket.once('error', (error) => {
      if (settled) return;
      const timedOut = /handshake has timed out/i.test(error.message);
      settle(
        timedOut
          ? new RelayTimeoutError(
              `${options.purpose}: no answer to the WebSocket handshake within ${options.timeoutMs} ms`,
              { phase: options.phase, cause: error },
            )
          : new RelayUnavailableError(
              `${options.purpose}: could not reach the relay (${error.message})`,
              { phase: options.phase, cause: error },
            ),
      );
    });
  });
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      // Only the start of an error body is worth showing.
      if (size < 4096) chunks.push(chunk);
      size += chunk.length;
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, 4096)));
    response.on('error', reject);
  });
}

/** Maps a refused handshake to the error that says what went wrong and whether to retry. */
export function handshakeError(refusal: HandshakeRefusal, options: OpenSocketOptions): Error {
  const { statusCode, statusMessage, body } = refusal;
  const said = [statusMessage, body.trim()].filter(Boolean).join(': ');
  const message = `${options.purpose}: relay refused the handshake with HTTP ${statusCode}${
    said ? ` (${said})` : ''
  }`;
  const details = { phase: options.phase };
  const mentionsNoListener = /no (active )?listeners?|listener.*not (connected|found)/i.test(said);
  switch (statusCode) {
    case 401:
      return new RelayUnauthorizedError(
        `${message}; the token is missing, invalid or expired`,
        details,
      );
    case 403:
      return new RelayForbiddenError(
        `${message}; the key lacks the right for this action, or the address is no longer valid`,
        details,
      );
    case 404:
      // Azure answers a connect with no listener 404 as well; its text tells the two apart.
      return mentionsNoListener
        ? new RelayNoListenerError(message, { ...details, statusCode })
        : new RelayEntityNotFoundError(`${message}; no such hybrid connection`, details);
    case 408:
    case 504:
      return new RelayTimeoutError(message, { ...details, statusCode });
    case 502:
      return new RelayNoListenerError(message, { ...details, statusCode });
    case 503:
      return mentionsNoListener
        ? new RelayNoListenerError(message, { ...details, statusCode })
        : new RelayUnavailableError(message, { ...details, statusCode });
    case 500:
      return new RelayUnavailableError(message, { ...details, statusCode });
    default:
      // Anything else came from the listener's rejection (`sb-hc-statusCode`).
      if (statusCode === 429 || statusCode >= 500) {
        return new RelayListenerBusyError(message, statusCode, details);
      }
      return new RelayRejectedError(message, statusCode, details);
  }
}
