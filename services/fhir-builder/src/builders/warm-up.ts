import type { Logger } from '@mbs/telemetry';
import { builders } from './registry';
import { fixedEvent, leedsDestination } from './sample-event';

/**
 * Builds and validates one sample message of every type before the service takes work. The FHIR
 * validator indexes the R4 specification on first use (hundreds of milliseconds); paying that at
 * start means the first participant sent after a deploy does not. A builder that cannot build its
 * own sample is broken: that throws, and the service does not start.
 */
export function warmUpBuilders(logger: Logger): void {
  const started = performance.now();
  const event = fixedEvent();
  for (const builder of Object.values(builders)) {
    builder.validate(builder.build(event, leedsDestination).payload);
  }
  logger.info(
    { types: Object.keys(builders), ms: Math.round(performance.now() - started) },
    'message builders warmed up',
  );
}
