import type { HttpTarget } from '../config';
import type { ReceivedMessage } from '../store/index';
import { TargetRejectedError, TargetUnavailableError } from './delivery-errors';

/** How much of a refusing destination's answer goes into the reason (the upstream limit is 2000). */
const MAX_BODY_IN_REASON = 1000;

/**
 * POSTs the payload to an HTTP(S) target with the message's content type. 2xx: delivered.
 * 4xx (and other non-5xx refusals): TargetRejectedError with the destination's status and body.
 * 5xx, timeout, network failure: TargetUnavailableError (retried by the caller).
 */
export async function deliverHttp(target: HttpTarget, message: ReceivedMessage): Promise<void> {
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: {
        ...target.headers,
        'content-type': message.contentType,
        'x-message-id': message.messageId,
        'x-accession-number': message.accessionNumber,
        ...(message.traceparent ? { traceparent: message.traceparent } : {}),
      },
      body: message.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const timedOut = (error as Error).name === 'TimeoutError';
    const why = timedOut
      ? `no answer within ${target.timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new TargetUnavailableError(
      'deliver_http',
      `POST ${target.url} (target ${target.name}) failed: ${why}`,
      { cause: error },
    );
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return;
  const shown = text.length > MAX_BODY_IN_REASON ? `${text.slice(0, MAX_BODY_IN_REASON)}...` : text;
  const description = `${target.name} answered ${response.status}${shown ? `: ${shown}` : ''}`;
  if (response.status >= 500) throw new TargetUnavailableError('deliver_http', description);
  throw new TargetRejectedError('deliver_http', response.status, description);
}
