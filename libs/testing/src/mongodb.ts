import { MongoDBContainer } from '@testcontainers/mongodb';
import { describeError } from '@mbs/errors';
import mongoose from 'mongoose';
import { TestEnvironmentError } from './errors';
import { type ContainerRuntimeProbe, isContainerRuntimeReachable } from './container-runtime';
import { startMongoStandIn } from './mongo-stand-in';
import { type Environment, type StartedService, variable } from './started-service';
import { uniqueDbName } from './unique-name';

export type MongoDbKind = 'environment' | 'container' | 'stand-in';

export interface MongoDb extends StartedService {
  /** Where the server came from: `stand-in` means it is NOT real MongoDB. */
  readonly kind: MongoDbKind;
  /** A database name no other suite uses; pass it as `dbName` when connecting. */
  readonly dbName: string;
}

export interface GetMongoDbOptions {
  /** Readable start of the isolated database name (default `test`). */
  readonly dbPrefix?: string;
  /** The Testcontainers image (default `mongo:8`, run as a single-node replica set). */
  readonly image?: string;
  readonly env?: Environment;
  readonly isContainerRuntimeReachable?: ContainerRuntimeProbe;
  readonly startContainer?: (image: string) => Promise<StartedService>;
  readonly startStandIn?: () => Promise<StartedService>;
  /** Where the stand-in notice goes (default: standard error, so it shows in jest's output). */
  readonly announce?: (line: string) => void;
}

export const MONGODB_URL_EXAMPLE = 'mongodb://127.0.0.1:27017';

/**
 * MongoDB for an integration suite, real wherever it exists:
 * 1. `MONGODB_URL` from the environment;
 * 2. else Testcontainers `mongo:8` as a single-node replica set, when a container engine answers;
 * 3. else the in-memory stand-in (CongoDB), announced on standard error because it is not MongoDB.
 * Every call names a fresh database, so suites sharing one server do not see each other's data.
 */
export async function getMongoDb(options: GetMongoDbOptions = {}): Promise<MongoDb> {
  const {
    dbPrefix = 'test',
    image = 'mongo:8',
    env = process.env,
    isContainerRuntimeReachable: probe = isContainerRuntimeReachable,
    startContainer = startMongoContainer,
    startStandIn = () => startMongoStandIn(),
    announce = (line: string) => void process.stderr.write(`${line}\n`),
  } = options;
  const dbName = uniqueDbName(dbPrefix);

  const fromEnvironment = variable(env, 'MONGODB_URL');
  if (fromEnvironment) {
    return {
      kind: 'environment',
      url: fromEnvironment,
      dbName,
      // The server outlives the suite: remove what the suite wrote.
      stop: once(() => dropDatabase(fromEnvironment, dbName)),
    };
  }

  if (await probe()) {
    const started = await startContainer(image);
    return { kind: 'container', url: started.url, dbName, stop: once(() => started.stop()) };
  }

  const started = await startStandIn().catch((error: unknown) => {
    throw new TestEnvironmentError(
      'mongodb_stand_in_failed',
      `This suite needs MongoDB, but MONGODB_URL is not set, no container engine is reachable ` +
        `for Testcontainers, and the in-memory stand-in could not start (${describeError(error)}). ` +
        `Set MONGODB_URL=${MONGODB_URL_EXAMPLE} pointing at a running MongoDB (mongod, e.g. from ` +
        "MongoDB's own packages or a managed cluster), or start a Docker engine so that " +
        'Testcontainers runs mongo:8.',
      { cause: error },
    );
  });
  announce(
    `[@mbs/testing] MongoDB: using the in-memory STAND-IN (CongoDB) at ${started.url}, not real ` +
      'MongoDB (no unique secondary indexes, transactions, change streams or TTL; ObjectId _ids ' +
      `only). To test against real MongoDB set MONGODB_URL=${MONGODB_URL_EXAMPLE} or provide a Docker engine.`,
  );
  return { kind: 'stand-in', url: started.url, dbName, stop: once(() => started.stop()) };
}

async function startMongoContainer(image: string): Promise<StartedService> {
  const container = await new MongoDBContainer(image).start();
  // The replica set member names itself by the container's host name, which is not reachable
  // from here; a direct connection skips that discovery.
  return {
    url: `${container.getConnectionString()}/?directConnection=true`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function dropDatabase(url: string, dbName: string): Promise<void> {
  const connection = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 3_000,
    serverMonitoringMode: 'poll',
  });
  try {
    await connection.asPromise();
    await connection.dropDatabase();
  } catch {
    // Best effort: a leftover test database is untidy, not wrong (every name is unique).
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}
