import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { trace } from '@opentelemetry/api';
import { type InstrumentationBase } from '@opentelemetry/instrumentation';
import { startInMemoryTracing, type InMemoryTracing } from '../src/in-memory-tracing';

export interface InstrumentedTracing {
  /** The spans recorded while the instrumentation is applied. */
  readonly tracing: InMemoryTracing;
  /** Undoes the patches, disables the instrumentation and removes the OTel globals. */
  stop(): Promise<void>;
}

/**
 * FOR TESTS: in-memory tracing with one instrumentation applied to one module, as a service gets
 * from `startTelemetry` (create the instrumentation with `{ enabled: false }`; this enables it
 * once it has the test's tracer provider).
 */
export function startInstrumentedTracing(
  instrumentation: InstrumentationBase,
  moduleName: string,
): InstrumentedTracing {
  const tracing = startInMemoryTracing();
  instrumentation.setTracerProvider(trace.getTracerProvider());
  instrumentation.enable();
  const undo = applyInstrumentation(instrumentation, moduleName);
  return {
    tracing,
    async stop() {
      undo();
      instrumentation.disable();
      await tracing.shutdown();
    },
  };
}

/**
 * FOR TESTS. Inside jest, `enable()` patches nothing: jest loads modules through its own
 * registry, which bypasses the require hook an instrumentation relies on. This applies the
 * instrumentation's own patches (the module's, and those of its internal files such as
 * `amqplib/lib/channel_model.js`) to the modules exactly as jest loaded them, and returns how to
 * undo them: the patched objects are shared by every test in the file.
 *
 * Internal files are loaded by absolute path, because packages with an `exports` map (amqplib)
 * do not let them be required by name; jest keys its registry by path, so this is the same
 * module object that the package itself required.
 */
export function applyInstrumentation(
  instrumentation: InstrumentationBase,
  moduleName: string,
): () => void {
  const definition = instrumentation
    .getModuleDefinitions()
    .find((candidate) => candidate.name === moduleName);
  if (!definition) {
    throw new Error(`${instrumentation.instrumentationName} does not instrument "${moduleName}"`);
  }
  const builtin = builtinModules.includes(moduleName);
  const root = builtin ? undefined : packageRoot(moduleName);
  const version = root ? packageVersion(root) : process.versions.node;
  const load = (name: string): unknown =>
    jest.requireActual(
      root && name !== moduleName ? path.join(root, name.slice(moduleName.length)) : name,
    );

  const undo: (() => void)[] = [];
  if (definition.patch) {
    const exports = load(moduleName);
    definition.patch(exports, version);
    const { unpatch } = definition;
    if (unpatch) undo.push(() => unpatch(exports, version));
  }
  for (const file of definition.files) {
    const exports = load(file.name);
    file.patch(exports, version);
    undo.push(() => file.unpatch(exports, version));
  }
  if (undo.length === 0) throw new Error(`nothing to patch in "${moduleName}"`);
  return () => {
    for (const step of undo.reverse()) step();
  };
}

/** The folder of an installed package, found from its resolved entry point. */
function packageRoot(name: string): string {
  const entry = require.resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot find the package folder of "${name}" from ${entry}`);
  return entry.slice(0, at + marker.length - 1);
}

function packageVersion(root: string): string {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  if (typeof version !== 'string') throw new Error(`no version in ${root}/package.json`);
  return version;
}
