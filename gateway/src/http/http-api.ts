import { describeError } from '@mbs/errors';
import { createHttpApi, InvalidInputError } from '@mbs/http';
import { newTraceparent } from '@mbs/relay';
import { currentTraceparent, type Logger } from '@mbs/telemetry';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { LocalApiTokenError, requireLocalApiToken } from './local-api-token';
import { TooManyReportsError } from './too-many-reports-error';
import { ModalityReport } from '@mbs/contracts';
import { recordModalityEvent } from '../upstream/index';
import type { GatewayStore } from '../store/index';

export interface GatewayHealth {
  readonly ok: boolean;
  readonly [detail: string]: unknown;
}

export interface HttpApiOptions {
  readonly store: GatewayStore;
  readonly logger: Logger;
  readonly health: () => GatewayHealth;
  /** Called after a modality event is in the outbox. */
  readonly onEvent: () => void;
  /** Modality reports taken per minute (all callers together); beyond it, 429. Default 600. */
  readonly modalityEventsPerMinute?: number;
  /** The bearer token POST /modality-events requires (GATEWAY_API_TOKEN). */
  readonly apiToken: string;
}

/** Modality reports a minute unless configured: ten a second, far above a screening unit's. */
export const DEFAULT_MODALITY_EVENTS_PER_MINUTE = 600;

/**
 * The gateway's local HTTP API, for the hospital network only:
 * POST /modality-events (a modality reports an examination; needs the configured bearer token)
 * and GET /health (open, for the hospital's monitoring).
 */
export async function buildHttpApi({
  store,
  logger,
  health,
  onEvent,
  modalityEventsPerMinute = DEFAULT_MODALITY_EVENTS_PER_MINUTE,
  apiToken,
}: HttpApiOptions): Promise<FastifyInstance> {
  // The shared error handling (bounded 400s, no query parameters, a 500 that leaks nothing).
  const app = await createHttpApi({
    logger,
    bodyLimit: 64 * 1024,
    errorStatuses: [
      [TooManyReportsError, 429],
      [LocalApiTokenError, 401],
    ],
  });
  // A system that reports in a loop must not fill the outbox (and the cloud) without end. One
  // count for every caller: the reports all come from the hospital's own network.
  await app.register(rateLimit, { global: false });

  app.post(
    '/modality-events',
    {
      // Before the rate limit: a caller without the token must not use up the others' reports.
      onRequest: requireLocalApiToken(apiToken),
      config: {
        rateLimit: {
          max: modalityEventsPerMinute,
          timeWindow: 60_000,
          keyGenerator: () => 'modality-events',
          errorResponseBuilder: (_request, context) =>
            new TooManyReportsError(context.max, Math.ceil(context.ttl / 1000)),
        },
      },
    },
    async (request, reply) => {
      const parsed = ModalityReport.safeParse(request.body ?? {});
      if (!parsed.success) {
        const refused = InvalidInputError.fromZod(parsed.error);
        logger.warn(
          { phase: 'modality_event', errors: refused.errors, moreErrors: refused.moreErrors },
          'modality event refused',
        );
        throw refused;
      }
      let event;
      try {
        event = recordModalityEvent(store, parsed.data, currentTraceparent() ?? newTraceparent());
      } catch (error) {
        logger.error(
          { phase: 'store', err: describeError(error) },
          'could not record a modality event',
        );
        return reply.code(503).send({
          error: 'store_failed',
          message: 'The gateway could not record the event; try again',
        });
      }
      logger.info(
        { eventId: event.eventId, accessionNumber: event.accessionNumber, event: event.event },
        'modality event queued upstream',
      );
      onEvent();
      return reply.code(202).send({ eventId: event.eventId, event });
    },
  );

  app.get('/health', async (_request, reply) => {
    const report = health();
    return reply.code(report.ok ? 200 : 503).send(report);
  });

  return app;
}
