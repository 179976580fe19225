import { describeError } from '@mbs/errors';
import type { RelaySession, SessionFrame } from '@mbs/relay';
import { extractTraceContext, SpanKind, withSpan, type Logger } from '@mbs/telemetry';
import type { OutboxPump } from '../upstream/index';
import { handleDeliver, type DeliverHandlerOptions } from './deliver-handler';

export type FrameRouterOptions = DeliverHandlerOptions & {
  readonly pump: OutboxPump;
  readonly logger: Logger;
};

/**
 * What the gateway does with each frame of a dispatcher session (pings are answered by the
 * session itself): `deliver` -> a Receipt; `ack` -> a signed UpstreamAck of one of our events,
 * acted on once it verifies (an `error` frame with the refusal code when it does not);
 * `error` -> logged; anything else -> an `error` frame. Never throws.
 */
export function frameRouter(options: FrameRouterOptions) {
  const { logger, pump } = options;
  return async (frame: SessionFrame, session: RelaySession): Promise<void> => {
    switch (frame.kind) {
      case 'deliver':
        await withSpan(
          'gateway deliver',
          {
            kind: SpanKind.CONSUMER,
            parent: extractTraceContext({ traceparent: frame.traceparent }),
          },
          () => handleDeliver(options, frame, session),
        );
        return;
      case 'ack': {
        const problem = await pump.handleAck(frame);
        if (problem) send(session, frame, problem, logger);
        return;
      }
      case 'error':
        logger.warn(
          { phase: 'upstream_send', frameId: frame.id, replyTo: frame.replyTo, body: frame.body },
          'the dispatcher reported an error about a frame',
        );
        return;
      case 'pong':
        return;
      default:
        logger.warn(
          { phase: 'frame_validation', frameId: frame.id, kind: frame.kind },
          'unexpected frame kind',
        );
        send(
          session,
          frame,
          { code: 'unhandled_frame', reason: `the gateway does not take ${frame.kind} frames` },
          logger,
        );
    }
  };
}

function send(
  session: RelaySession,
  frame: SessionFrame,
  body: { code: string; reason: string },
  logger: Logger,
) {
  try {
    session.send({ kind: 'error', replyTo: frame.id, body });
  } catch (error) {
    logger.warn(
      { phase: 'relay_send', frameId: frame.id, err: describeError(error) },
      'could not answer a frame',
    );
  }
}
