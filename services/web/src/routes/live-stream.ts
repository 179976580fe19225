import { Id } from '@mbs/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WebContext } from '../context';
import type { LiveEvent, LiveFilter } from '../live/live-feed';
import { rejectionView } from '../presenters/staff-actions';

const LiveQuery = z.object({
  clinicId: Id.optional(),
  appointmentId: Id.optional(),
  /** The feed position the page was rendered at (first connection; then `Last-Event-ID`). */
  since: z.string().max(64).optional(),
});

/** How long the browser waits before reconnecting a dropped stream. */
const RECONNECT_MS = 2_000;

/**
 * GET /live?clinicId=|appointmentId=&since=: server-sent events for one page.
 *
 * - `change` (id = the feed cursor, data `{appointmentId, type}`): something this page shows
 *   changed; the page reads itself again. No patient data travels in the stream.
 * - `rejected` (data `{commandId, html}`): a command of this user was refused: the banner to show.
 * - `resync`: the page missed events this replica cannot replay (it reconnected to another
 *   replica, or after too long): read the page again.
 * - `signed-out`: the session ended (signed out, timed out, account disabled): reload.
 *
 * A comment every `heartbeatMs` keeps proxies from cutting an idle stream and checks that the
 * session still exists.
 */
export function liveStreamRoute(app: FastifyInstance, ctx: WebContext): void {
  // Open streams never end by themselves: end them when web stops, or closing would wait forever.
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });

  app.get('/live', async (request: FastifyRequest, reply: FastifyReply) => {
    const query = LiveQuery.safeParse(request.query);
    const user = request.user;
    if (!query.success || !user || (!query.data.clinicId && !query.data.appointmentId)) {
      return reply
        .code(400)
        .type('text/plain')
        .send('Say which clinicId or appointmentId to watch');
    }
    const filter: LiveFilter = {
      clinicId: query.data.clinicId,
      appointmentId: query.data.appointmentId,
      username: user.username,
    };
    const sessionId = request.session.sessionId;

    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Tell nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    const write = (text: string) => {
      if (!response.writableEnded) response.write(text);
    };
    write(`retry: ${RECONNECT_MS}\n\n`);

    const send = async (event: LiveEvent) => {
      const { message } = event;
      if (message.type === 'appointment.command-rejected') {
        const html = await app.view('/partials/rejection', {
          rejection: rejectionView(message.data),
          live: true,
        });
        write(
          `id: ${event.cursor}\nevent: rejected\ndata: ${JSON.stringify({ commandId: message.data.commandId, html })}\n\n`,
        );
        await ctx.rejections
          .markShown(message)
          .catch((error: unknown) =>
            ctx.logger.warn({ err: String(error) }, 'could not record a rejection as shown'),
          );
        return;
      }
      write(
        `id: ${event.cursor}\nevent: change\ndata: ${JSON.stringify({ appointmentId: message.data.appointmentId, type: message.type })}\n\n`,
      );
    };

    // Events arriving while catching up wait their turn, so the order stays the feed's.
    let queue = Promise.resolve();
    const enqueue = (event: LiveEvent) => {
      queue = queue
        .then(() => send(event))
        .catch((error: unknown) => ctx.logger.warn({ err: String(error) }, 'live event not sent'));
    };
    const unsubscribe = ctx.feed.subscribe(filter, enqueue);

    const from = (request.headers['last-event-id'] as string | undefined) ?? query.data.since;
    if (from) {
      const caughtUp = ctx.feed.since(from, filter);
      if (caughtUp.ok) caughtUp.events.forEach(enqueue);
      else write(`id: ${ctx.feed.position}\nevent: resync\ndata: {}\n\n`);
    }

    const heartbeat = setInterval(() => {
      write(': heartbeat\n\n');
      ctx.sessions.get(sessionId, (error, session) => {
        if (error || session?.username) return;
        write('event: signed-out\ndata: {}\n\n');
        response.end();
      });
    }, ctx.heartbeatMs);

    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
      if (!response.writableEnded) response.end();
    };
    open.add(end);
    request.raw.on('close', end);
  });
}
