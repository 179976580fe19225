import { ModalityReport } from '@mbs/contracts';
import { describeError } from '@mbs/errors';
import { createHttpApi, InvalidInputError, parseInput } from '@mbs/http';
import type { Logger } from '@mbs/telemetry';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ACCEPT, answerFor, Behaviour, MAX_DELAY_MS } from './behaviour';
import { ReceivedLog } from './received-log';

export interface SinkOptions {
  readonly logger: Logger;
  /** The gateway's local API (POST /modality-events lives there). */
  readonly gatewayUrl: string;
  /** The bearer token the gateway's local API requires. */
  readonly gatewayToken: string;
  /** How long a forward to the gateway may take. Default 5000 ms. */
  readonly gatewayTimeoutMs?: number;
  readonly bodyLimit?: number;
}

export interface Sink {
  readonly app: FastifyInstance;
  readonly received: ReceivedLog;
}

/** Parses a JSON body taken as text, or throws the 400 that says it is not JSON. */
function jsonBody(body: unknown): unknown {
  if (body === undefined || body === '') return {};
  try {
    return JSON.parse(String(body));
  } catch (error) {
    throw new InvalidInputError([
      { field: '(body)', problem: `not JSON: ${(error as Error).message}` },
    ]);
  }
}

/** How much of a URL a log line carries: enough to find the request, never a whole input. */
const LOGGED_URL_CHARS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A stand-in hospital for demos and tests: records whatever the gateway posts (any path), answers
 * as told (accept, reject, slowly), and plays the modality by forwarding examination reports to
 * the gateway's POST /modality-events.
 */
export async function buildSink({
  logger,
  gatewayUrl,
  gatewayToken,
  gatewayTimeoutMs = 5000,
  bodyLimit = 2 * 1024 * 1024,
}: SinkOptions): Promise<Sink> {
  // The services' own error handling: bounded 400s, and query parameters only where asked for.
  const app = await createHttpApi({
    logger,
    bodyLimit,
    // A slow answer is silence on the connection: it must outlive the longest wait it is told.
    limits: { connectionTimeoutMs: MAX_DELAY_MS + 30_000 },
  });
  const received = new ReceivedLog();
  let behaviour: Behaviour = ACCEPT;

  // Bodies are kept exactly as sent, whatever the content type (FHIR JSON, HL7, XML...).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.addHook('onResponse', async (request, reply) => {
    logger.info(
      {
        method: request.method,
        url: request.url.slice(0, LOGGED_URL_CHARS),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        contentType: request.headers['content-type'],
        messageId: request.headers['x-message-id'],
      },
      'request',
    );
  });

  app.get('/health', async () => ({ ok: true, behaviour, received: received.list().length }));

  app.get('/behaviour', async () => behaviour);
  app.post('/behaviour', async (request) => {
    behaviour = parseInput(Behaviour, jsonBody(request.body));
    logger.info({ behaviour }, 'behaviour changed');
    return behaviour;
  });

  app.get('/received', async () => ({ received: received.list() }));
  app.delete('/received', async (_request, reply) => {
    const cleared = received.clear();
    return reply.code(200).send({ cleared });
  });

  app.post('/modality/examinations', async (request, reply) => {
    const report = parseInput(ModalityReport, jsonBody(request.body));
    const target = new URL('/modality-events', gatewayUrl).toString();
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gatewayToken}` },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(gatewayTimeoutMs),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: pass the text on
      }
      logger.info(
        {
          accessionNumber: report.accessionNumber,
          event: report.event,
          status: response.status,
        },
        'examination reported to the gateway',
      );
      return reply
        .code(response.status)
        .send({ forwardedTo: target, status: response.status, gateway: body });
    } catch (error) {
      logger.error(
        { phase: 'forward_to_gateway', target, err: describeError(error) },
        'gateway unreachable',
      );
      return reply.code(502).send({
        error: 'gateway_unreachable',
        message: `could not reach the gateway at ${target}: ${describeError(error)}`,
      });
    }
  });

  // Anything else posted is what the gateway delivers, query string and all (a hospital's
  // endpoint may well have one), so these routes take any query.
  const take = async (
    request: { method: string; url: string; headers: Record<string, unknown>; body: unknown },
    reply: FastifyReply,
  ) => {
    const current = behaviour;
    if (current.delayMs > 0) await sleep(current.delayMs);
    const { status, reason } = answerFor(current);
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const entry = received.add({
      method: request.method,
      path: request.url,
      contentType: header('content-type'),
      messageId: header('x-message-id'),
      body: typeof request.body === 'string' ? request.body : '',
      answeredStatus: status,
    });
    if (reason !== undefined) return reply.code(status).type('text/plain').send(reason);
    return reply.code(status).send({ received: entry.id });
  };
  app.post('/*', { config: { takesQuery: true } }, take);
  app.put('/*', { config: { takesQuery: true } }, take);

  return { app, received };
}
