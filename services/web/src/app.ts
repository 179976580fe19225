import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyView from '@fastify/view';
import { fastifyOtelPlugin } from '@mbs/telemetry';
import Fastify, { type FastifyInstance } from 'fastify';
import path from 'node:path';
import type { WebContext } from './context';
import { registerAssets } from './http/assets';
import { registerAuthentication } from './http/auth';
import { registerErrorPages } from './http/error-pages';
import { registerSecurityHeaders } from './http/security-headers';
import { registerSessions } from './http/sessions';
import { accessibilityRoute } from './routes/accessibility';
import { adminAccountRoutes } from './routes/admin-accounts';
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
}

/**
 * The staff web application, not yet listening: the design system's assets, security headers,
 * sessions with CSRF tokens, sign-in limits, authentication on every page but sign-in, the pages
 * and forms, the live stream, and error pages. main.ts and the tests build it the same way.
 */
export async function buildWebApp(options: WebAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // Believe X-Forwarded-* from exactly this many proxies in front (an ingress: 1), no more.
    trustProxy:
      options.trustedProxyHops > 0
        ? (_address: string, hop: number) => hop < options.trustedProxyHops
        : false,
    // Forms here are small; anything bigger is refused before it is read.
    bodyLimit: 64 * 1024,
  });
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
  accessibilityRoute(app, ctx);
  registerErrorPages(app, ctx);
  return app;
}
