import type { HttpTarget } from '../config';
import type { ReceivedMessage } from '../store/index';
import {
  TargetRedirectsError,
  TargetRejectedError,
  TargetUnavailableError,
} from './delivery-errors';
import { reasonText } from './reason-text';
import { parseRetryAfter } from './retry-after';

/**
 * Answers that say "not now" rather than "no": a request timeout (408) and too many requests
 * (429) are retried like a 5xx, after the `Retry-After` the target gives.
 */
const TRY_AGAIN_LATER = new Set([408, 429]);

/**
 * POSTs the payload to an HTTP(S) target with the message's content type. 2xx: delivered.
 * 5xx, 408, 429, timeout, network failure: TargetUnavailableError (retried by the caller, after
 * `Retry-After` when given). 3xx: TargetRedirectsError (the target's URL is wrong, not the
 * message; redirects are not followed). Other 4xx: TargetRejectedError with the destination's
 * status and a short, scrubbed reason from its body (`reasonText`): never the whole answer, which
 * may hold patient details and would be kept upstream long after the hospital forgot it.
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
  const { status } = response;
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location');
    throw new TargetRedirectsError(
      'deliver_http',
      status,
      `target ${target.name} is misconfigured: POST ${target.url} answered ${status}${
        location ? ` redirecting to ${location.slice(0, 500)}` : ''
      }; the target URL redirects and should be corrected in GATEWAY_TARGETS`,
    );
  }
  const shown = reasonText(text);
  const description = `${target.name} answered ${status}${shown ? `: ${shown}` : ''}`;
  if (status >= 500 || TRY_AGAIN_LATER.has(status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    throw new TargetUnavailableError('deliver_http', description, {
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  throw new TargetRejectedError('deliver_http', status, description);
}
