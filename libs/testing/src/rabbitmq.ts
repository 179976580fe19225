import { RabbitMQContainer } from '@testcontainers/rabbitmq';
import amqp from 'amqplib';
import { type ContainerRuntimeProbe, isContainerRuntimeReachable } from './container-runtime';
import { TestEnvironmentError } from './errors';
import { type Environment, type StartedService, variable } from './started-service';

export type RabbitMqKind = 'environment' | 'container' | 'local';

/** What a command run inside a container answered (testcontainers' `ExecResult`). */
export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command inside the broker's container, as testcontainers' `container.exec([...])`. */
export type ContainerExec = (command: readonly string[]) => Promise<ExecResult>;

/** A broker container getRabbitMq started: its URL, how to stop it, how to run tools in it. */
export interface StartedRabbitMqContainer extends StartedService {
  readonly exec: ContainerExec;
}

/**
 * The broker a suite uses. Its kind says where its tools run: a container's `rabbitmqctl` runs
 * inside the container (`exec`); for the others, the one on this machine.
 */
export type RabbitMq =
  | (StartedService & { readonly kind: 'environment' | 'local' })
  | (StartedService & { readonly kind: 'container'; readonly exec: ContainerExec });

export interface GetRabbitMqOptions {
  /** The Testcontainers image (default `rabbitmq:3.13-management`). */
  readonly image?: string;
  readonly env?: Environment;
  readonly isContainerRuntimeReachable?: ContainerRuntimeProbe;
  readonly startContainer?: (image: string) => Promise<StartedRabbitMqContainer>;
  /** Whether a broker completes an AMQP handshake at this URL (default: a real, short attempt). */
  readonly brokerAnswers?: (url: string) => Promise<boolean>;
  /** Where the local-broker notice goes (default: standard error, so it shows in jest's output). */
  readonly announce?: (line: string) => void;
}

export const AMQP_URL_EXAMPLE = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * RabbitMQ for an integration suite:
 * 1. `AMQP_URL` from the environment;
 * 2. else a Testcontainers broker when a container engine answers;
 * 3. else the development broker `npm start` uses (guest on 127.0.0.1:5672) when it completes an
 *    AMQP handshake, announced, so `npm test` works on a machine that runs RabbitMQ itself;
 * 4. else a failure that says which variable to set.
 * There is no in-memory fallback and no silent skip: a suite that needs a broker must get one.
 */
export async function getRabbitMq(options: GetRabbitMqOptions = {}): Promise<RabbitMq> {
  const {
    image = 'rabbitmq:3.13-management',
    env = process.env,
    isContainerRuntimeReachable: probe = isContainerRuntimeReachable,
    startContainer = startRabbitMqContainer,
    brokerAnswers = completesHandshake,
    announce = (line: string) => void process.stderr.write(`${line}\n`),
  } = options;

  const fromEnvironment = variable(env, 'AMQP_URL');
  // The broker is shared and outlives the suite; suites isolate themselves by unique names.
  if (fromEnvironment) return { kind: 'environment', url: fromEnvironment, stop: async () => {} };

  if (await probe()) {
    const started = await startContainer(image);
    let stopped: Promise<void> | undefined;
    const broker: RabbitMq = {
      kind: 'container',
      url: started.url,
      exec: started.exec,
      stop: () =>
        (stopped ??= (async () => {
          runningContainers.delete(started.url);
          await started.stop();
        })()),
    };
    runningContainers.set(started.url, broker);
    return broker;
  }

  if (await brokerAnswers(AMQP_URL_EXAMPLE)) {
    announce(
      `RabbitMQ: AMQP_URL is unset and no container engine answers; using the local broker at ` +
        `${new URL(AMQP_URL_EXAMPLE).host}.`,
    );
    return { kind: 'local', url: AMQP_URL_EXAMPLE, stop: async () => {} };
  }

  throw new TestEnvironmentError(
    'rabbitmq_unavailable',
    'This suite needs RabbitMQ, but AMQP_URL is not set, no container engine is reachable for ' +
      `Testcontainers and no broker answers on ${new URL(AMQP_URL_EXAMPLE).host}. Set AMQP_URL=${AMQP_URL_EXAMPLE} (a running broker) or start a Docker engine.`,
  );
}

/**
 * The container brokers this process started and has not stopped, by URL: so a helper given
 * only a URL (`deleteNamespace(broker.current.url, ...)`) still knows it is a container's.
 * A container's URL names its own mapped port, so it never stands for another broker.
 */
const runningContainers = new Map<string, RabbitMq>();

/** The running container broker this process started at `url`, if that is one. */
export function containerBrokerAt(url: string): RabbitMq | undefined {
  return runningContainers.get(url);
}

async function startRabbitMqContainer(image: string): Promise<StartedRabbitMqContainer> {
  const container = await new RabbitMQContainer(image).start();
  return {
    url: container.getAmqpUrl(),
    exec: (command) => container.exec([...command]),
    stop: async () => {
      await container.stop();
    },
  };
}

/** A real handshake, not a port check: a wedged broker can accept TCP and never answer. */
async function completesHandshake(url: string): Promise<boolean> {
  const attempt = amqp.connect(url, {
    timeout: 3000,
    clientProperties: { connection_name: 'testing:probe' },
  });
  try {
    const connection = await attempt;
    await connection.close();
    return true;
  } catch {
    return false;
  }
}
