/** What the tests share: one instant, and a look inside compact tokens. */

export const NOW = new Date('2026-12-04T10:00:00Z');
/** NOW in JWT seconds. */
export const NOW_SECONDS = NOW.getTime() / 1000;

/** `n` seconds after NOW. */
export function secondsAfterNow(n: number): Date {
  return new Date(NOW.getTime() + n * 1000);
}

/** The JSON of a base64url segment. */
export function decodeSegment(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString());
}

/** A JSON value as a base64url segment. */
export function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The decoded header and payload of a compact JWS. */
export function headerAndPayload(compact: string) {
  const [header = '', payload = ''] = compact.split('.');
  return { header: decodeSegment(header), payload: decodeSegment(payload) };
}

/** What an order sealed in the tests is about, unless a test says otherwise. */
export const ORDER = { messageId: 'msg-1', gatewayId: 'gw-1', resend: 0, now: NOW } as const;

/** What `promise` rejected with, which must be a `type`; fails the test when it resolved. */
export async function rejection<E>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const outcome = await promise.then(
    (value: unknown) => ({ resolved: value }),
    (thrown: unknown) => ({ thrown }),
  );
  if ('resolved' in outcome) throw new Error(`expected a ${type.name}, but it resolved`);
  if (!(outcome.thrown instanceof type)) throw outcome.thrown;
  return outcome.thrown;
}
