import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account, AccountStore } from '../accounts';
import { SESSION_COOKIE } from './sessions';
import { ForbiddenError } from './web-errors';
import './session-types';

/** A request made by a page updating itself, not by a person: it does not keep a session alive. */
export const LIVE_REQUEST_HEADER = 'x-live-refresh';

/** How often use renews a session (and writes it): a minute's precision on a 30-minute timeout. */
const RENEW_AFTER_MS = 60_000;

/** Static files (the design system's and web's own): public, like the sign-in page they style. */
const PUBLIC_PREFIXES = ['/assets/', '/design-system/', '/static/'];

export const isLiveRequest = (request: FastifyRequest) =>
  request.headers[LIVE_REQUEST_HEADER] === '1' || request.url.startsWith('/live');

/**
 * The signed-in account a request was made by: every route but a public one has it (set by
 * registerAuthentication before the handler), and what it reads from the services and sends on
 * the bus is done as this member of staff.
 */
export function signedIn(request: FastifyRequest): Account {
  if (!request.user) throw new Error('no signed-in user: a public route cannot act for staff');
  return request.user;
}

/** Where to go back to after signing in: a path of this service only, never another site. */
export function safeReturnTo(value: unknown, fallback = '/clinics'): string {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%:]*$/.test(value) ? value : fallback;
}

/**
 * Every route but those marked `public` needs a signed-in, enabled account. The account is read
 * on each request, so disabling it ends its sessions at once (they are also deleted). A route
 * with `config.role` is for that role only (403 for others). Use renews the session at most once
 * a minute; the page's own live updates do not, so an open page still times out when idle.
 */
export function registerAuthentication(
  app: FastifyInstance,
  accounts: AccountStore,
  now: () => number = Date.now,
): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    if (config.public) return;
    const route = request.routeOptions.url ?? '';
    if (PUBLIC_PREFIXES.some((prefix) => route.startsWith(prefix))) return;
    const username = request.session.username;
    const account = username ? await accounts.active(username) : undefined;
    if (!account) {
      // A session cookie that found no session (it timed out, or was ended), or an account
      // disabled since: say so on the sign-in page. A first visit says nothing.
      const ended =
        username !== undefined ||
        (request.cookies[SESSION_COOKIE] !== undefined && request.session._csrf === undefined);
      if (username) await request.session.destroy();
      return refuse(request, reply, ended);
    }
    request.user = account;
    if (config.role && account.role !== config.role) throw new ForbiddenError();
    if (!isLiveRequest(request)) {
      const lastSeenAt = request.session.lastSeenAt ?? 0;
      if (now() - lastSeenAt >= RENEW_AFTER_MS) {
        request.session.lastSeenAt = now();
        request.session.touch();
      }
    }
  });

  /** Not signed in: pages go to sign-in (and come back after); anything else gets a 401. */
  function refuse(request: FastifyRequest, reply: FastifyReply, ended: boolean) {
    if (request.method !== 'GET' || isLiveRequest(request)) {
      return reply.code(401).type('text/plain').send('Sign in again: your session has ended');
    }
    const query = new URLSearchParams({
      returnTo: safeReturnTo(request.url),
      ...(ended && { signedOut: 'expired' }),
    });
    return reply.redirect(`/sign-in?${query.toString()}`, 303);
  }
}
