import { AppError } from '@mbs/errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QueryNotFoundError, QueryUnavailableError } from '../clients';
import type { WebContext } from '../context';
import { renderPage } from './page';
import {
  ForbiddenError,
  InvalidFormError,
  PageNotFoundError,
  TooManySignInAttemptsError,
} from './web-errors';

export interface ErrorPage {
  readonly status: number;
  readonly title: string;
  /** Paragraphs, in words for staff. */
  readonly lines: readonly string[];
}

const notFound: ErrorPage = {
  status: 404,
  title: 'Page not found',
  lines: [
    'If you typed the web address, check it is correct.',
    'If you pasted the web address, check you copied the entire address.',
  ],
};

const csrfCodes = new Set(['FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET']);

/** Which page an error shows, and with which status. Pure, so every case is easy to test. */
export function errorPageFor(error: unknown): ErrorPage {
  if (error instanceof PageNotFoundError || error instanceof QueryNotFoundError) return notFound;
  if (error instanceof ForbiddenError)
    return {
      status: 403,
      title: 'You do not have access to this page',
      lines: ['This page is for administrators. Ask an administrator if you need it.'],
    };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && csrfCodes.has(code))
    return {
      status: 403,
      title: 'Your form could not be sent',
      lines: [
        'The page had been open too long, or was opened in another window. Nothing was changed.',
        'Go back, refresh the page and try again.',
      ],
    };
  if (error instanceof InvalidFormError)
    return {
      status: 400,
      title: 'Your form could not be sent',
      lines: [
        'The form was incomplete, so nothing was changed. Go back, refresh the page and try again.',
      ],
    };
  if (error instanceof QueryUnavailableError)
    return {
      status: 503,
      title: 'Sorry, this information is unavailable',
      lines: [
        `${error.information} cannot be shown now: the service that holds it is not answering.`,
        'Try again in a few minutes. Nothing has been lost.',
      ],
    };
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && !(error instanceof AppError))
    return {
      status,
      title: 'Your request could not be handled',
      lines: ['Go back and try again. If it happens again, tell the service desk.'],
    };
  return {
    status: 500,
    title: 'Sorry, there is a problem with the service',
    lines: ['Try again later. If you were sending a form, nothing was sent.'],
  };
}

/** Every error and unknown path as a page of the service, never a stack or a raw JSON body. */
export function registerErrorPages(app: FastifyInstance, ctx: WebContext): void {
  const show = (request: FastifyRequest, reply: FastifyReply, page: ErrorPage) =>
    renderPage(
      ctx,
      request,
      reply,
      'pages/error',
      { error: page },
      {
        title: page.title,
        status: page.status,
      },
    );

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof TooManySignInAttemptsError) {
      return renderPage(
        ctx,
        request,
        reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000)),
        'pages/sign-in',
        { signIn: { username: '', returnTo: '/clinics', errors: [], locked: true } },
        { title: 'Error: Sign in', status: 429 },
      );
    }
    const page = errorPageFor(error);
    if (page.status >= 500)
      ctx.logger.error(
        {
          err: error instanceof Error ? error.message : String(error),
          code: (error as { code?: unknown }).code,
          url: request.routeOptions.url ?? request.url.split('?')[0],
        },
        'request failed',
      );
    return show(request, reply, page);
  });
  app.setNotFoundHandler((request, reply) => show(request, reply, notFound));
}
