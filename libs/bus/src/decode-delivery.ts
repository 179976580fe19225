import { parseMessage, type AnyContract, type MessageOf } from '@mbs/contracts';
import type { MessageHandler } from './handler';

export type Decoded =
  | { ok: true; handler: MessageHandler; message: MessageOf<AnyContract> }
  | { ok: false; code: string; reason: string };

/**
 * Turns delivered bytes into a validated message and the handler for it, or says precisely why
 * it cannot (malformed JSON, no type, no handler, contract violation). Pure.
 */
export function decodeDelivery(
  content: Buffer,
  handlers: ReadonlyMap<string, MessageHandler<AnyContract>>,
): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      code: 'malformed_json',
      reason: `body is not JSON: ${(error as Error).message}`,
    };
  }
  const type =
    typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') {
    return { ok: false, code: 'missing_type', reason: 'body has no "type" naming its contract' };
  }
  const handler = handlers.get(type);
  if (!handler) {
    return { ok: false, code: 'no_handler', reason: `no handler for "${type}" here` };
  }
  const parsed = parseMessage(handler.contract, body);
  if (!parsed.ok) return { ok: false, code: parsed.error.code, reason: parsed.error.message };
  return { ok: true, handler, message: parsed.message };
}
