import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { WebContext } from '../context';
import { SIGN_IN_WINDOW_MS } from '../http/account-lockout';
import { safeReturnTo } from '../http/auth';
import { renderPage } from '../http/page';
import { SESSION_COOKIE } from '../http/sessions';
import { TooManySignInAttemptsError } from '../http/web-errors';

const SignInForm = z.object({
  username: z.string().trim().max(200).default(''),
  password: z.string().max(1000).default(''),
  returnTo: z.string().optional(),
});

/** One message for every wrong combination: never which part was wrong, never whether it exists. */
const WRONG = 'Enter a correct username and password';

interface SignInView {
  readonly username: string;
  readonly returnTo: string;
  readonly errors: ReadonlyArray<{ field: 'username' | 'password'; text: string }>;
  readonly signedOut?: 'expired' | 'signed_out';
}

/**
 * GET/POST /sign-in and POST /sign-out. A good sign-in starts a new session (a fresh id, so one
 * planted before sign-in is worthless) and goes back to where the person was going. Attempts are
 * limited per address (@fastify/rate-limit) and failures per username (`AccountLockout`).
 */
export function signInRoutes(app: FastifyInstance, ctx: WebContext, perAddress: number): void {
  const show = (
    request: Parameters<typeof renderPage>[1],
    reply: Parameters<typeof renderPage>[2],
    view: SignInView,
    status = 200,
  ) =>
    renderPage(
      ctx,
      request,
      reply,
      'pages/sign-in',
      { signIn: view },
      {
        title: view.errors.length > 0 ? 'Error: Sign in' : 'Sign in',
        status,
      },
    );

  app.get('/sign-in', { config: { public: true } }, async (request, reply) => {
    const query = request.query as { returnTo?: string; signedOut?: string };
    if (request.session.username) return reply.redirect(safeReturnTo(query.returnTo), 303);
    // `signedOut`: after signing out (1), or sent here because the session had ended (expired).
    const signedOut = { '1': 'signed_out', expired: 'expired' } as const;
    return show(request, reply, {
      username: '',
      returnTo: safeReturnTo(query.returnTo),
      errors: [],
      signedOut: signedOut[query.signedOut as keyof typeof signedOut],
    });
  });

  app.post(
    '/sign-in',
    {
      config: {
        public: true,
        rateLimit: {
          max: perAddress,
          timeWindow: SIGN_IN_WINDOW_MS,
          keyGenerator: (request) => `sign-in:${request.ip}`,
          errorResponseBuilder: (_request, context) => new TooManySignInAttemptsError(context.ttl),
        },
      },
    },
    async (request, reply) => {
      const form = SignInForm.parse(request.body ?? {});
      const returnTo = safeReturnTo(form.returnTo);
      const errors: Array<{ field: 'username' | 'password'; text: string }> = [];
      if (!form.username) errors.push({ field: 'username', text: 'Enter your username' });
      if (!form.password) errors.push({ field: 'password', text: 'Enter your password' });
      if (errors.length > 0)
        return show(request, reply, { username: form.username, returnTo, errors }, 400);

      await ctx.lockout.check(form.username);
      const check = await ctx.accounts.checkSignIn(form.username, form.password);
      if (!check.ok) {
        await ctx.lockout.countFailure(form.username);
        ctx.logger.info({ why: check.why }, 'sign-in refused');
        return show(
          request,
          reply,
          { username: form.username, returnTo, errors: [{ field: 'username', text: WRONG }] },
          401,
        );
      }
      await ctx.lockout.clear(form.username);
      await request.session.regenerate();
      request.session.username = check.account.username;
      request.session.lastSeenAt = ctx.now().getTime();
      ctx.logger.info({ username: check.account.username }, 'signed in');
      return reply.redirect(returnTo, 303);
    },
  );

  app.post('/sign-out', async (request, reply) => {
    const username = request.user?.username;
    await request.session.destroy();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    ctx.logger.info({ username }, 'signed out');
    return reply.redirect('/sign-in?signedOut=1', 303);
  });
}
