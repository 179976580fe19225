/** WebSocket close codes the relay and this library use, with what each means here. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
} as const;

const meanings: Record<number, string> = {
  1000: 'closed normally',
  1001: 'the hybrid connection was deleted or disabled, or the other side went away',
  1003: 'the other side does not accept this kind of data',
  1005: 'closed without a status',
  1006: 'the connection dropped without a close frame',
  1008: 'the security token expired or is invalid (policy violation)',
  1009: 'a frame was larger than the maximum frame size',
  1011: 'something went wrong in the service',
};

export function describeCloseCode(code: number): string {
  return meanings[code] ?? `close code ${code}`;
}

/** Whether an application may send this code in a close frame (RFC 6455 section 7.4). */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}
