import type WebSocket from 'ws';

/** One Buffer for whatever `ws` hands a `message` listener (Buffer, fragments, ArrayBuffer). */
export function rawDataToBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
