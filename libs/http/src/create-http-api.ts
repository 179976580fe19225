import type { StaffRole } from '@mbs/contracts';
import { AppError } from '@mbs/errors';
import { fastifyOtelPlugin, type Logger } from '@mbs/telemetry';
import { staffAuthErrorStatuses, StaffTokenError } from '@mbs/trust';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { clip, InvalidInputError } from './field-errors';
import { NotFoundError } from './not-found-error';
import './route-config';
import { challenge, requireStaff, type StaffAccessOptions } from './staff-access';
import {
  capConnections,
  resolveServerLimits,
  serverLimitOptions,
  type ServerLimits,
} from './server-limits';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error classes take any arguments
type ErrorClass = abstract new (...args: any[]) => AppError;

/**
 * The longest path parameter the router hands to a route. Ids may be 128 characters
 * (`Id` in @mbs/contracts), and up to three times that once percent-encoded; anything up to this
 * reaches the route, whose schema names what is wrong with it (400). Fastify's own 100 made a
 * valid long id a 404 (now a 414) that no schema ever saw.
 */
export const MAX_PARAM_LENGTH = 1024;

/**
 * The router's own refusals, which never reach the error handler: fastify answers them itself,
 * echoing the whole URL (up to Node's 16 kB of headers) in its own form.
 */
const ROUTER_REFUSALS: Readonly<Record<string, readonly [number, string]>> = {
  FST_ERR_MAX_PARAM_LENGTH: [414, `has a part longer than ${MAX_PARAM_LENGTH} characters`],
  FST_ERR_BAD_URL: [400, 'is not a valid URL (bad percent-encoding)'],
};

/** Answers a router refusal in the field form, naming the problem, not the URL. */
function answerRouterRefusal(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const [status, problem] = ROUTER_REFUSALS[error.code] ?? [error.statusCode ?? 400, error.message];
  void reply.code(status).send(new InvalidInputError([{ field: '(path)', problem }]).body);
}

/** How much of a URL a log line carries: enough to find the request, never a whole input. */
const LOGGED_URL_CHARS = 200;

export interface HttpApiOptions {
  readonly logger: Logger;
  /** The service's own errors and the status each answers with (404 unknown id, 409 conflict). */
  readonly errorStatuses?: ReadonlyArray<readonly [ErrorClass, number]>;
  /** The largest body accepted, in bytes (fastify's 1 MiB when not given). */
  readonly bodyLimit?: number;
  /** Timeouts and the connection cap, where a service needs other than DEFAULT_SERVER_LIMITS. */
  readonly limits?: Partial<ServerLimits>;
  /**
   * Staff access: every route then declares `config.access` (`open`, `clinic_staff` or `admin`)
   * and all but open ones need web's bearer token for this service (requireStaff). The APIs web
   * reads have it; the gateway's local API and the hospital stand-in do not.
   */
  readonly staff?: StaffAccessOptions;
}

/**
 * A fastify app (not yet listening) with tracing and one error handler for every route:
 * - invalid input: 400 `{ errors: [{ field, problem }] }`, every wrong field at once, at most
 *   MAX_LISTED_ERRORS of them, with `moreErrors` counting the rest;
 * - a query parameter on a route that does not declare `config: { takesQuery: true }`: 400
 *   naming it (routes that do take a query refuse unknown parameters with their own schema);
 * - an id that names nothing (NotFoundError) or a route that does not exist: 404 in that form;
 * - the service's own errors: their status with `{ error: code, message }`;
 * - fastify's own refusals (a body that is not JSON): their 4xx in the same field form;
 * - anything else: logged (without the request's input), and a 500 that leaks nothing.
 *
 * With `staff`, a route registered without `config.access` is refused at once (an Error), and a
 * request to any route but an open one, or to no route, needs web's bearer token: 401 with
 * `WWW-Authenticate: Bearer` without a valid one, 403 for too low a role, before anything else
 * about the request is looked at.
 *
 * Its server lets go of slow clients (ServerLimits): a request must arrive within 15 s, a silent
 * connection is closed after 60 s, an idle kept-alive one after 10 s, and at most 512 are open.
 */
export async function createHttpApi({
  logger,
  errorStatuses = [],
  bodyLimit,
  limits: overrides,
  staff,
}: HttpApiOptions): Promise<FastifyInstance> {
  const limits = resolveServerLimits(overrides);
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    ...(bodyLimit !== undefined && { bodyLimit }),
    ...serverLimitOptions(limits),
    frameworkErrors: answerRouterRefusal,
  });
  capConnections(app, limits);
  await app.register(fastifyOtelPlugin());
  if (staff) guardEveryRoute(app, staff);

  // Before the body is read: a refused request costs nothing more.
  app.addHook('onRequest', async (request) => {
    if (request.is404 || request.routeOptions.config.takesQuery) return;
    const names = Object.keys(request.query as object);
    if (names.length > 0) throw InvalidInputError.unknownFields(names);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof InvalidInputError) return reply.code(400).send(error.body);
    if (error instanceof StaffTokenError) challenge(reply, error);
    const known = [...errorStatuses, ...staffAuthErrorStatuses, [NotFoundError, 404] as const].find(
      ([type]) => error instanceof type,
    );
    if (known && error instanceof AppError) {
      return reply.code(known[1]).send({ error: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send(new InvalidInputError([{ field: '(body)', problem: (error as Error).message }]).body);
    }
    logger.error(
      {
        err: error instanceof Error ? error.message : String(error),
        code: error instanceof AppError ? error.code : undefined,
        method: request.method,
        route: request.routeOptions.url,
        url: clip(request.url, LOGGED_URL_CHARS),
      },
      'request failed',
    );
    return reply
      .code(500)
      .send({ error: 'internal_error', message: 'The request failed; see the service log' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'not_found',
      message: `No route ${request.method} ${clip(request.url, LOGGED_URL_CHARS)}`,
    }),
  );
  return app;
}

/**
 * Staff access on every route: an onRoute check that each declares who may use it, and one
 * onRequest hook (added first, so it runs before the query check) that runs requireStaff for
 * the route's role. A request for no route needs a token too: the routes there are is not
 * something to tell strangers.
 */
function guardEveryRoute(app: FastifyInstance, staff: StaffAccessOptions): void {
  app.addHook('onRoute', (route) => {
    if (!route.config?.access) {
      throw new Error(
        `${String(route.method)} ${route.url} declares no access (config.access: 'open', 'clinic_staff' or 'admin')`,
      );
    }
  });
  const guards: Readonly<Record<StaffRole, ReturnType<typeof requireStaff>>> = {
    clinic_staff: requireStaff('clinic_staff', staff),
    admin: requireStaff('admin', staff),
  };
  app.addHook('onRequest', async function (request, reply) {
    const access = request.is404 ? 'clinic_staff' : request.routeOptions.config.access;
    if (access === 'open') return;
    await guards[access ?? 'admin'].call(this, request, reply);
  });
}
