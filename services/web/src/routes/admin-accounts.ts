import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { NewAccount, NewPassword, Username } from '../accounts';
import type { WebContext } from '../context';
import { addFlash } from '../http/flash';
import { renderPage } from '../http/page';
import { PageNotFoundError } from '../http/web-errors';
import { formatDate } from '../presenters/times';

const admin = { config: { role: 'admin' as const } };

const roleLabels = { clinic_staff: 'Clinic staff', admin: 'Administrator' } as const;

type NewAccountValues = { username: string; name: string; role: string; password: string };
type FieldErrors = Partial<Record<keyof NewAccountValues, string>>;

/** What to do about each field, in the design system's words: the first problem of each. */
function problemsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as keyof NewAccountValues | undefined;
    if (!field || errors[field]) continue;
    const tooBig = issue.code === 'too_big';
    errors[field] = {
      name: tooBig ? 'Full name must be 200 characters or fewer' : "Enter the person's full name",
      username:
        issue.code === 'too_small'
          ? 'Enter a username of at least 2 characters'
          : tooBig
            ? 'Username must be 64 characters or fewer'
            : 'Username must contain only letters, digits, dots, dashes or underscores',
      role: 'Select a role',
      password: tooBig
        ? 'Password must be 256 characters or fewer'
        : 'Enter a password of at least 12 characters',
    }[field];
  }
  return errors;
}

/**
 * Staff accounts, for administrators: who has access, add an account, reset a password, and
 * disable or enable one. Disabling, and resetting a password, end that person's sessions at once.
 */
export function adminAccountRoutes(app: FastifyInstance, ctx: WebContext): void {
  const showNew = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: NewAccountValues,
    errors: FieldErrors = {},
  ) =>
    renderPage(
      ctx,
      request,
      reply,
      'pages/admin-account-new',
      { account: values, errors, roles: roleLabels },
      {
        title: `${Object.keys(errors).length > 0 ? 'Error: ' : ''}Add an account`,
        status: Object.keys(errors).length > 0 ? 400 : 200,
        section: 'accounts',
        back: { href: '/admin/accounts', text: 'Accounts' },
      },
    );

  app.get('/admin/accounts', admin, async (request, reply) => {
    const accounts = (await ctx.accounts.list()).map((account) => ({
      ...account,
      roleLabel: roleLabels[account.role],
      created: formatDate(account.createdAt),
      isYou: account.username === request.user?.username,
    }));
    return renderPage(
      ctx,
      request,
      reply,
      'pages/admin-accounts',
      { accounts },
      {
        title: 'Accounts',
        section: 'accounts',
      },
    );
  });

  app.get('/admin/accounts/new', admin, (request, reply) =>
    showNew(request, reply, { username: '', name: '', role: 'clinic_staff', password: '' }),
  );

  app.post('/admin/accounts', admin, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values: NewAccountValues = {
      username: String(body.username ?? ''),
      name: String(body.name ?? ''),
      role: String(body.role ?? ''),
      password: String(body.password ?? ''),
    };
    const parsed = NewAccount.safeParse(values);
    if (!parsed.success)
      return showNew(request, reply, { ...values, password: '' }, problemsOf(parsed.error));
    const { created, account } = await ctx.accounts.create(parsed.data);
    if (!created)
      return showNew(
        request,
        reply,
        { ...values, password: '' },
        {
          username: 'Username is already taken: choose another',
        },
      );
    ctx.logger.info(
      { username: account.username, role: account.role, by: request.user?.username },
      'account created',
    );
    addFlash(request, {
      kind: 'success',
      title: 'Account added',
      text: `${account.name} can now sign in as ${account.username}.`,
    });
    return reply.redirect('/admin/accounts', 303);
  });

  /** The account a path names, or the not found page. */
  const accountOf = async (username: string) => {
    const parsed = Username.safeParse(username);
    const account = parsed.success ? await ctx.accounts.get(parsed.data) : undefined;
    if (!account) throw new PageNotFoundError(`No account "${username}"`);
    return account;
  };

  const showReset = async (
    request: FastifyRequest<{ Params: { username: string } }>,
    reply: FastifyReply,
    error?: string,
  ) => {
    const account = await accountOf(request.params.username);
    return renderPage(
      ctx,
      request,
      reply,
      'pages/admin-account-password',
      { account, error },
      {
        title: `${error ? 'Error: ' : ''}Reset the password of ${account.name}`,
        status: error ? 400 : 200,
        section: 'accounts',
        back: { href: '/admin/accounts', text: 'Accounts' },
      },
    );
  };

  app.get<{ Params: { username: string } }>(
    '/admin/accounts/:username/password',
    admin,
    (request, reply) => showReset(request, reply),
  );

  app.post<{ Params: { username: string } }>(
    '/admin/accounts/:username/password',
    admin,
    async (request, reply) => {
      const account = await accountOf(request.params.username);
      const password = NewPassword.safeParse(
        (request.body as { password?: unknown } | undefined)?.password ?? '',
      );
      if (!password.success)
        return showReset(
          request,
          reply,
          password.error.issues[0]?.code === 'too_big'
            ? 'Password must be 256 characters or fewer'
            : 'Enter a password of at least 12 characters',
        );
      await ctx.accounts.setPassword(account.username, password.data);
      // Whoever was signed in with the old password is signed out.
      const ended = await ctx.sessions.destroyAllOf(account.username);
      ctx.logger.info(
        { username: account.username, sessionsEnded: ended, by: request.user?.username },
        'password reset',
      );
      addFlash(request, {
        kind: 'success',
        title: 'Password reset',
        text: `Give ${account.name} the new password in a safe way. They have been signed out everywhere.`,
      });
      return reply.redirect('/admin/accounts', 303);
    },
  );

  for (const [verb, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    app.post<{ Params: { username: string } }>(
      `/admin/accounts/:username/${verb}`,
      admin,
      async (request, reply) => {
        const account = await accountOf(request.params.username);
        if (!enabled && account.username === request.user?.username) {
          addFlash(request, {
            kind: 'information',
            title: 'Not disabled',
            text: 'You cannot disable your own account: ask another administrator.',
          });
          return reply.redirect('/admin/accounts', 303);
        }
        await ctx.accounts.setEnabled(account.username, enabled);
        const ended = enabled ? 0 : await ctx.sessions.destroyAllOf(account.username);
        ctx.logger.info(
          { username: account.username, enabled, sessionsEnded: ended, by: request.user?.username },
          enabled ? 'account enabled' : 'account disabled',
        );
        addFlash(request, {
          kind: 'success',
          title: enabled ? 'Account enabled' : 'Account disabled',
          text: enabled
            ? `${account.name} can sign in again.`
            : `${account.name} can no longer sign in, and has been signed out everywhere.`,
        });
        return reply.redirect('/admin/accounts', 303);
      },
    );
  }
}
