import { ModalityReport } from '@mbs/contracts';
import { describeError } from '@mbs/errors';
import { InvalidInputError } from '@mbs/http';
import type { Logger } from '@mbs/telemetry';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { ACCEPT, answerFor, Behaviour } from './behaviour';
import { ReceivedLog } from './received-log';

export interface SinkOptions {
  readonly logger: Logger;
  /** The gateway's local API (POST /modality-events lives there). */
  readonly gatewayUrl: string;
  /** How long a forward to the gateway may take. Default 5000 ms. */
  readonly gatewayTimeoutMs?: number;
  readonly bodyLimit?: number;
}

export interface Sink {
  readonly app: FastifyInstance;
  readonly received: ReceivedLog;
}

/** Parses a JSON body taken as text; answers 400 itself and returns undefined when it is not. */
function jsonBody(body: unknown, reply: FastifyReply): unknown {
  if (body === undefined || body === '') return {};
  try {
    return JSON.parse(String(body));
  } catch (error) {
    void reply
      .code(400)
      .send({ errors: [{ field: '(body)', problem: `not JSON: ${(error as Error).message}` }] });
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A stand-in hospital for demos and tests: records whatever the gateway posts (any path), answers
 * as told (accept, reject, slowly), and plays the modality by forwarding examination reports to
 * the gateway's POST /modality-events.
 */
export function buildSink({
  logger,
  gatewayUrl,
  gatewayTimeoutMs = 5000,
  bodyLimit = 2 * 1024 * 1024,
}: SinkOptions): Sink {
  const app = Fastify({ logger: false, bodyLimit });
  const received = new ReceivedLog();
  let behaviour: Behaviour = ACCEPT;

  // Bodies are kept exactly as sent, whatever the content type (FHIR JSON, HL7, XML...).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.addHook('onResponse', async (request, reply) => {
    logger.info(
      {
        method: request.method,
        url: request.url,
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
  app.post('/behaviour', async (request, reply) => {
    const json = jsonBody(request.body, reply);
    if (json === undefined) return reply;
    const parsed = Behaviour.safeParse(json);
    if (!parsed.success)
      return reply.code(400).send({ errors: InvalidInputError.fromZod(parsed.error).errors });
    behaviour = parsed.data;
    logger.info({ behaviour }, 'behaviour changed');
    return behaviour;
  });

  app.get('/received', async () => ({ received: received.list() }));
  app.delete('/received', async (_request, reply) => {
    const cleared = received.clear();
    return reply.code(200).send({ cleared });
  });

  app.post('/modality/examinations', async (request, reply) => {
    const json = jsonBody(request.body, reply);
    if (json === undefined) return reply;
    const parsed = ModalityReport.safeParse(json);
    if (!parsed.success)
      return reply.code(400).send({ errors: InvalidInputError.fromZod(parsed.error).errors });
    const target = new URL('/modality-events', gatewayUrl).toString();
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(parsed.data),
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
          accessionNumber: parsed.data.accessionNumber,
          event: parsed.data.event,
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

  // Anything else posted is what the gateway delivers.
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
  app.post('/*', take);
  app.put('/*', take);

  return { app, received };
}
