import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { startInMemoryTracing, type InMemoryTracing } from './in-memory-tracing';
import { withSpan } from './trace-context';

function collectingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'logger-test', destination }) };
}

describe('createLogger', () => {
  let tracing: InMemoryTracing;
  beforeEach(() => {
    tracing = startInMemoryTracing();
  });
  afterEach(() => tracing.shutdown());

  it('writes JSON lines with the service and a text level', () => {
    const { lines, logger } = collectingLogger();
    logger.info({ appointmentId: 'a1' }, 'hello');
    expect(lines).toEqual([
      expect.objectContaining({
        service: 'logger-test',
        level: 'info',
        msg: 'hello',
        appointmentId: 'a1',
      }),
    ]);
  });

  it('adds trace_id and span_id of the active span, and nothing outside a span', async () => {
    const { lines, logger } = collectingLogger();
    logger.info('before');
    const ids = await withSpan('work', {}, async (span) => {
      await new Promise((resolve) => setImmediate(resolve)); // still inside after an await
      logger.info('inside');
      return span.spanContext();
    });
    logger.info('after');

    const [before, inside, after] = lines;
    expect(before).not.toHaveProperty('trace_id');
    expect(before).not.toHaveProperty('span_id');
    expect(inside).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
    expect(inside?.['trace_id']).toMatch(/^[0-9a-f]{32}$/);
    expect(after).not.toHaveProperty('trace_id');
  });
});
