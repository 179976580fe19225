import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyView from '@fastify/view';
import { PermanentError } from '@mbs/errors';
import { capConnections, ServerLimits, serverLimitOptions } from '@mbs/http';
import { fastifyOtelPlugin } from '@mbs/telemetry';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import path from 'node:path';
import type { WebContext } from './context';
import { registerAssets } from './http/assets';
import { registerAuthentication } from './http/auth';
import { registerErrorPages } from './http/error-pages';
import { registerSecurityHeaders } from './http/security-headers';
import { registerSessions } from './http/sessions';
import { accessibilityRoute } from './routes/accessibility';
import { adminAccountRoutes } from './routes/admin-accounts';
import { adminDeadLetterRoute } from './routes/admin-dead-letters';
import { appointmentRoute } from './routes/appointment';
import { checkInRoute } from './routes/check-in';
import { clinicRoute } from './routes/clinic';
import { clinicsRoute } from './routes/clinics';
import { healthRoute, type HealthSources } from './routes/health';
import { liveStreamRoute } from './routes/live-stream';
import { reasonActionRoutes } from './routes/reason-actions';
import { sendToModalityRoutes } from './routes/send-to-modality';
import { signInRoutes } from './routes/sign-in';
import { mongoRateLimitStore } from './sessions/rate-limit-store';
import type { WindowCounter } from './sessions/window-counter';
import { createViews } from './views';

/** web's folders beside `src/` and `dist/`: its templates and its own static files. */
export const viewsFolder = path.resolve(__dirname, '../views');
export const publicFolder = path.resolve(__dirname, '../public');

/**
 * The services' limits (libs/http: how long a client may take, how many may be connected), with
 * values for browsers behind an ingress, plus a cap on live streams.
 */
export interface WebServerLimits extends ServerLimits {
  /**
   * Open live streams at most (each holds a connection for as long as its page is open); more
   * get 503 and their pages work without live updates. Below maxConnections, so pages still
   * load when every stream is taken. Default 1 024.
   */
  readonly maxLiveStreams: number;
}

export const DEFAULT_WEB_SERVER_LIMITS: WebServerLimits = {
  // Headers and body within 15 s, else 408 and closed.
  requestTimeoutMs: 15_000,
  // A live stream is never silent this long (a heartbeat every heartbeatMs); one whose browser
  // stopped reading is closed by it.
  connectionTimeoutMs: 60_000,
  // Longer than an ingress keeps idle upstream connections (nginx: 60 s), so the proxy always
  // closes first and never sends on a connection web is closing.
  keepAliveTimeoutMs: 72_000,
  maxConnections: 2_048,
  maxLiveStreams: 1_024,
};

/** The limits with their defaults, refused when one would mean no limit or cut live streams. */
function resolveLimits(overrides: Partial<WebServerLimits>, heartbeatMs: number): WebServerLimits {
  const { maxLiveStreams, ...server } = { ...DEFAULT_WEB_SERVER_LIMITS, ...overrides };
  const problems: string[] = [];
  const parsed = ServerLimits.safeParse(server);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => issue.message));
  if (!Number.isInteger(maxLiveStreams) || maxLiveStreams <= 0)
    problems.push('maxLiveStreams must be a whole number above 0 (0 would mean no limit)');
  if (server.connectionTimeoutMs <= 2 * heartbeatMs)
    problems.push(
      `connectionTimeoutMs (${server.connectionTimeoutMs}) must be more than two live heartbeats (${2 * heartbeatMs}), or live streams are cut`,
    );
  if (problems.length > 0) throw new PermanentError('invalid_http_limits', problems.join('; '));
  return { ...server, maxLiveStreams };
}

export interface WebAppOptions {
  /** Everything the routes use (stores, query clients, commands, the live feed). */
  readonly context: Omit<WebContext, 'assets'>;
  readonly health: HealthSources;
  readonly counter: WindowCounter;
  readonly sessionSecret: string;
  readonly sessionIdleMs: number;
  /** https: Secure cookies, HSTS and upgrade-insecure-requests. */
  readonly secure: boolean;
  /** Proxies whose X-Forwarded-For/-Proto are believed (an ingress: 1). */
  readonly trustedProxyHops: number;
  readonly signInAttemptsPerAddress: number;
  /** Keep compiled templates (production). */
  readonly cacheViews: boolean;
  /** Timeouts and caps other than DEFAULT_WEB_SERVER_LIMITS (the tests' short ones). */
  readonly limits?: Partial<WebServerLimits>;
}

/**
 * The staff web application, not yet listening: the design system's assets, security headers,
 * sessions with CSRF tokens, sign-in limits, authentication on every page but sign-in, the pages
 * and forms, the live stream, and error pages. main.ts and the tests build it the same way.
 */
export async function buildWebApp(options: WebAppOptions): Promise<FastifyInstance> {
  const limits = resolveLimits(options.limits ?? {}, options.context.heartbeatMs);
  const app = Fastify({
    logger: false,
    // Believe X-Forwarded-* from exactly this many proxies in front (an ingress: 1), no more.
    trustProxy:
      options.trustedProxyHops > 0
        ? (_address: string, hop: number) => hop < options.trustedProxyHops
        : false,
    // Forms here are small; anything bigger is refused before it is read.
    bodyLimit: 64 * 1024,
    // fastify's router answers a path segment over 100 characters itself, in JSON, before any
    // hook (no security headers, no page). Node bounds the whole address (16 KB of headers), so
    // every segment reaches its route, whose id check shows the service's not found page.
    routerOptions: { maxParamLength: 16 * 1024 },
    frameworkErrors: (_error, _request, reply) => answerBrokenAddress(reply as FastifyReply),
    ...serverLimitOptions(limits),
  });
  capConnections(app, limits);
  limitLiveStreams(app, limits.maxLiveStreams);
  await app.register(fastifyOtelPlugin());
  await registerSecurityHeaders(app, options.secure);
  const assets = await registerAssets(app, publicFolder);
  const ctx: WebContext = { ...options.context, assets };

  await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
  await registerSessions(app, {
    secret: options.sessionSecret,
    idleMs: options.sessionIdleMs,
    secure: options.secure,
    store: ctx.sessions,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    store: mongoRateLimitStore(options.counter),
  });
  await app.register(fastifyView, {
    engine: { eta: createViews({ directory: viewsFolder, cache: options.cacheViews }) },
    root: viewsFolder,
    viewExt: 'eta',
    production: options.cacheViews,
  });

  // Every form carries a CSRF token bound to the session; checked before anything else runs.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done();
    app.csrfProtection(request, reply, done);
  });
  registerAuthentication(app, ctx.accounts, () => ctx.now().getTime());

  app.get('/', (_request, reply) => reply.redirect('/clinics', 303));
  healthRoute(app, options.health);
  signInRoutes(app, ctx, options.signInAttemptsPerAddress);
  clinicsRoute(app, ctx);
  clinicRoute(app, ctx);
  appointmentRoute(app, ctx);
  checkInRoute(app, ctx);
  sendToModalityRoutes(app, ctx);
  reasonActionRoutes(app, ctx);
  liveStreamRoute(app, ctx);
  adminAccountRoutes(app, ctx);
  adminDeadLetterRoute(app, ctx);
  accessibilityRoute(app, ctx);
  registerErrorPages(app, ctx);
  return app;
}

/**
 * An address with broken %-encoding is answered by the router before any hook or page can run;
 * this says so in words a person can act on, as plain text (nothing of the address is echoed).
 */
function answerBrokenAddress(reply: FastifyReply): FastifyReply {
  return reply
    .code(400)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .type('text/plain; charset=utf-8')
    .send('This web address is not valid. If you pasted it, check you copied all of it.');
}

/**
 * At most `max` live streams at once: each holds a connection for as long as its page is open,
 * so without a cap of their own, streams could take every connection. Counted from the request
 * to the response's close (a stream ends when its page goes, web stops, or the session ends).
 */
function limitLiveStreams(app: FastifyInstance, max: number): void {
  let open = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== '/live') return;
    if (open >= max) {
      return reply
        .code(503)
        .header('retry-after', '60')
        .type('text/plain')
        .send('Too many live pages are open; this page works, but reload it to see changes');
    }
    open += 1;
    reply.raw.once('close', () => (open -= 1));
  });
}
