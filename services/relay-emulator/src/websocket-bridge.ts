import { CloseCode, isSendableCloseCode } from '@mbs/relay';
import WebSocket from 'ws';

/**
 * Joins a sender's socket to the listener's rendezvous socket: every frame is relayed as is
 * (text stays text, binary stays binary), without interpretation, as Azure does.
 *
 * Closing follows the protocol document: when the listener closes, the sender sees the
 * listener's code (1000 "the listener shut down the socket" when it cannot be relayed); when
 * the sender closes, the listener sees 1001 "the sender client shut down the connection".
 */
/** Which way a relayed frame went. */
export type RelayDirection = 'sender-to-listener' | 'listener-to-sender';

export function bridge(
  sender: WebSocket,
  listener: WebSocket,
  onClosed: () => void,
  /** Told every frame relayed, as relayed (a tap for tests: what the relay can see). */
  onFrame?: (direction: RelayDirection, data: WebSocket.RawData, isBinary: boolean) => void,
): void {
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    onClosed();
  };
  sender.on('message', (data, isBinary) => {
    onFrame?.('sender-to-listener', data, isBinary);
    forward(listener, data, isBinary);
  });
  listener.on('message', (data, isBinary) => {
    onFrame?.('listener-to-sender', data, isBinary);
    forward(sender, data, isBinary);
  });
  listener.on('close', (code, reason) => {
    closeWith(sender, isSendableCloseCode(code) ? code : CloseCode.normal, reason.toString());
    finish();
  });
  sender.on('close', (code, reason) => {
    closeWith(
      listener,
      code === CloseCode.normal || !isSendableCloseCode(code) ? CloseCode.goingAway : code,
      reason.toString() || 'the sender shut down the connection',
    );
    finish();
  });
  // Errors end in a close, which the handlers above relay.
  sender.on('error', () => undefined);
  listener.on('error', () => undefined);
}

function forward(to: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  if (to.readyState === WebSocket.OPEN) to.send(data, { binary: isBinary });
}

function closeWith(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.OPEN) socket.close(code, reason.slice(0, 120));
  else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
}
