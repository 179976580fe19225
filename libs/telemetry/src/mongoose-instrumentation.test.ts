import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import { useMongoDb } from '@mbs/testing';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { startInstrumentedTracing, type InstrumentedTracing } from '../test/apply-instrumentation';
import { type InMemoryTracing } from './in-memory-tracing';
import { withSpan } from './trace-context';

interface Note {
  text: string;
}

describe('mongoose instrumentation (applied explicitly; MongoDB from @mbs/testing, here the stand-in)', () => {
  const mongo = useMongoDb({ dbPrefix: 'telemetry_mongoose' });
  let instrumented: InstrumentedTracing;
  let tracing: InMemoryTracing;
  let connection: Connection;
  let Notes: Model<Note>;

  beforeEach(async () => {
    // jest bypasses the require hook: the instrumentation's own patches are applied to mongoose.
    instrumented = startInstrumentedTracing(
      new MongooseInstrumentation({ enabled: false }),
      'mongoose',
    );
    ({ tracing } = instrumented);
    connection = await mongoose
      .createConnection(mongo.current.url, {
        dbName: mongo.current.dbName,
        serverMonitoringMode: 'poll',
      })
      .asPromise();
    Notes = connection.model<Note>('Note', new Schema<Note>({ text: String }));
  });

  afterEach(async () => {
    await connection?.close();
    await instrumented.stop();
  });

  it('records a client span per operation, inside the caller trace, naming collection and database', async () => {
    const callerTraceId = await withSpan('show worklist', {}, async (span) => {
      await Notes.create({ text: 'hello' });
      const found = await Notes.findOne({ text: 'hello' }).lean();
      expect(found?.text).toBe('hello');
      return span.spanContext().traceId;
    });

    const caller = tracing.spans().find((span) => span.name === 'show worklist');
    const byName = new Map(tracing.spans().map((span) => [span.name, span]));
    const save = byName.get('save notes');
    const findOne = byName.get('findOne notes');
    expect(save).toBeDefined();
    expect(findOne).toBeDefined();
    for (const span of [save, findOne]) {
      expect(span?.kind).toBe(SpanKind.CLIENT);
      expect(span?.spanContext().traceId).toBe(callerTraceId);
      expect(span?.parentSpanContext?.spanId).toBe(caller?.spanContext().spanId);
      expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
    }
    expect(findOne?.attributes).toMatchObject({
      'db.system.name': 'mongodb',
      'db.collection.name': 'notes',
      'db.namespace': mongo.current.dbName,
      'db.operation.name': 'findOne',
    });
  });

  it('marks the span as an error, with the exception, when the query fails', async () => {
    const failure = await Notes.findOne({ _id: 'not-an-object-id' })
      .exec()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(mongoose.Error.CastError);

    const findOne = tracing.spans().find((span) => span.name === 'findOne notes');
    expect(findOne?.status.code).toBe(SpanStatusCode.ERROR);
    expect(findOne?.events.map((event) => event.name)).toContain('exception');
  });
});
