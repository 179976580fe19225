import { isRetryable } from '@mbs/errors';
import type { HttpTarget } from '../config';
import type { ReceivedMessage } from '../store/index';
import { startFakeTarget, type FakeTarget } from '../../test/support';
import { deliverHttp } from './deliver-http';
import {
  TargetRedirectsError,
  TargetRejectedError,
  TargetUnavailableError,
} from './delivery-errors';
import { delayBeforeRetry, parseRetryAfter } from './retry-after';

const message: ReceivedMessage = {
  messageId: 'msg-http-1',
  appointmentId: 'appt-1',
  accessionNumber: 'ACC1',
  messageType: 'fhir-r4',
  target: 'ris-fhir',
  contentType: 'application/fhir+json',
  payload: '{"resourceType":"Bundle"}',
  traceparent: undefined,
  status: 'received',
  reason: undefined,
  resend: 0,
  receivedAt: '2026-11-26T09:00:00.000Z',
  outcomeAt: undefined,
};

describe('deliverHttp against a real local HTTP server', () => {
  let server: FakeTarget;
  let target: HttpTarget;
  beforeEach(async () => {
    server = await startFakeTarget();
    target = { name: 'ris-fhir', kind: 'http', url: server.url, timeoutMs: 10_000, retries: 0 };
  });
  afterEach(() => server.close());

  const failureOf = async (): Promise<unknown> => {
    try {
      await deliverHttp(target, message);
    } catch (error) {
      return error;
    }
    throw new Error('deliverHttp succeeded');
  };

  it('delivers on 2xx', async () => {
    server.script(201);
    await expect(deliverHttp(target, message)).resolves.toBeUndefined();
    expect(server.requests[0]!.headers['x-message-id']).toBe('msg-http-1');
  });

  it('treats 408 as unavailable (retryable), not a rejection', async () => {
    server.script({ status: 408, body: 'request timeout' });
    const error = await failureOf();
    expect(error).toBeInstanceOf(TargetUnavailableError);
    expect(isRetryable(error)).toBe(true);
    expect((error as TargetUnavailableError).message).toBe(
      'ris-fhir answered 408: request timeout',
    );
    expect((error as TargetUnavailableError).retryAfterMs).toBeUndefined();
  });

  it('treats 429 as unavailable and keeps the Retry-After seconds it asks for', async () => {
    server.script({ status: 429, body: 'slow down', headers: { 'retry-after': '7' } });
    const error = await failureOf();
    expect(error).toBeInstanceOf(TargetUnavailableError);
    expect(isRetryable(error)).toBe(true);
    expect((error as TargetUnavailableError).retryAfterMs).toBe(7000);
  });

  it('keeps the Retry-After of a 503 too', async () => {
    server.script({ status: 503, headers: { 'retry-after': '2' } });
    expect(((await failureOf()) as TargetUnavailableError).retryAfterMs).toBe(2000);
  });

  it.each([301, 302, 307, 308])(
    'treats %i as a target configuration error: permanent, naming the redirect, not a refusal',
    async (status) => {
      server.script({ status, headers: { location: 'https://ris.example/fhir/' } });
      const error = await failureOf();
      expect(error).toBeInstanceOf(TargetRedirectsError);
      expect(error).not.toBeInstanceOf(TargetRejectedError);
      expect(isRetryable(error)).toBe(false);
      expect((error as TargetRedirectsError).status).toBe(status);
      expect((error as Error).message).toBe(
        `target ris-fhir is misconfigured: POST ${server.url} answered ${status} redirecting to https://ris.example/fhir/; the target URL redirects and should be corrected in GATEWAY_TARGETS`,
      );
      // Not followed: the hospital system was asked once, at the configured URL.
      expect(server.requests).toHaveLength(1);
    },
  );

  it("puts a short, scrubbed reason in a rejection, never the hospital's whole page", async () => {
    const page =
      '<!DOCTYPE html>\n<html><head><title>Error</title><style>p { margin: 0 }</style></head>\n' +
      '<body><h1>422 Unprocessable Entity</h1>\n<p>Patient\tJANE DOE, NHS number 943 476 5919,' +
      ' born 12/03/1961, not found in PAS.</p>\n' +
      `<pre>${'at com.hospital.ris.Handler.handle(Handler.java:42)\n'.repeat(200)}</pre></body></html>`;
    server.script({ status: 422, body: page, headers: { 'content-type': 'text/html' } });
    const error = (await failureOf()) as TargetRejectedError;
    expect(error).toBeInstanceOf(TargetRejectedError);
    expect(error.message).toMatch(
      /^ris-fhir answered 422: Error 422 Unprocessable Entity Patient JANE DOE, NHS number \[NHS number\], born \[date\], not found in PAS\. at com\.hospital/,
    );
    expect(error.message).not.toMatch(/9434765919|943 476 5919|12\/03\/1961/);
    expect(error.message).not.toMatch(/[<>\n\t]/);
    expect(error.message.length).toBeLessThanOrEqual('ris-fhir answered 422: '.length + 203);
  });

  it('scrubs the body of an unavailable answer (5xx) the same way', async () => {
    server.script({ status: 503, body: `down for 943-476-5919\n${'x'.repeat(5000)}` });
    const error = (await failureOf()) as TargetUnavailableError;
    expect(error).toBeInstanceOf(TargetUnavailableError);
    expect(error.message).toMatch(/^ris-fhir answered 503: down for \[NHS number\] x+\.\.\.$/);
    expect(error.message.length).toBeLessThanOrEqual('ris-fhir answered 503: '.length + 203);
  });

  it('still rejects any other 4xx with the status and body', async () => {
    server.script({ status: 422, body: 'ServiceRequest.identifier missing' });
    const error = await failureOf();
    expect(error).toBeInstanceOf(TargetRejectedError);
    expect(isRetryable(error)).toBe(false);
    expect((error as TargetRejectedError).status).toBe(422);
  });
});

describe('Retry-After', () => {
  const backoff = { baseMs: 1000, maxMs: 30_000, random: () => 0 };
  const now = Date.parse('2026-11-26T09:00:00.000Z');

  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('waits what the target asked, within the local retry bounds', () => {
    const asked = (retryAfterMs: number) =>
      new TargetUnavailableError('deliver_http', 'x answered 429', { retryAfterMs });
    expect(delayBeforeRetry(1, asked(7000), backoff)).toBe(7000);
    expect(delayBeforeRetry(1, asked(3_600_000), backoff)).toBe(30_000);
    expect(delayBeforeRetry(1, asked(0), backoff)).toBe(1000);
  });

  it('uses the usual backoff when the target did not say', () => {
    const plain = new TargetUnavailableError('deliver_http', 'x answered 503');
    expect(delayBeforeRetry(3, plain, backoff)).toBe(2000);
    expect(delayBeforeRetry(3, new Error('disk full'), backoff)).toBe(2000);
  });
});
