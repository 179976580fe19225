import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Refuses a WebSocket upgrade with an HTTP status, the way Azure does: the reason phrase carries
 * the description (clients show it) and the body repeats it as JSON.
 */
export function refuseUpgrade(socket: Duplex, statusCode: number, description: string): void {
  if (socket.destroyed) return;
  const phrase = toReasonPhrase(description) || STATUS_CODES[statusCode] || 'Error';
  const body = JSON.stringify({ error: { code: statusCode, message: description } });
  socket.end(
    `HTTP/1.1 ${statusCode} ${phrase}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** A reason phrase must be visible ASCII, spaces and tabs, on one line. */
export function toReasonPhrase(text: string): string {
  return text
    .replace(/[^\x20-\x7e\t]/g, ' ')
    .slice(0, 200)
    .trim();
}
