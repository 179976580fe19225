import { RabbitMQContainer } from '@testcontainers/rabbitmq';
import { type ContainerRuntimeProbe, isContainerRuntimeReachable } from './container-runtime';
import { TestEnvironmentError } from './errors';
import { type Environment, type StartedService, variable } from './started-service';

export type RabbitMqKind = 'environment' | 'container';

export interface RabbitMq extends StartedService {
  readonly kind: RabbitMqKind;
}

export interface GetRabbitMqOptions {
  /** The Testcontainers image (default `rabbitmq:3.13-management`). */
  readonly image?: string;
  readonly env?: Environment;
  readonly isContainerRuntimeReachable?: ContainerRuntimeProbe;
  readonly startContainer?: (image: string) => Promise<StartedService>;
}

export const AMQP_URL_EXAMPLE = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * RabbitMQ for an integration suite: `AMQP_URL` from the environment; else a Testcontainers
 * broker when a container engine answers; else a failure that says which variable to set. There
 * is no in-memory fallback and no silent skip: a suite that needs a broker must get one.
 */
export async function getRabbitMq(options: GetRabbitMqOptions = {}): Promise<RabbitMq> {
  const {
    image = 'rabbitmq:3.13-management',
    env = process.env,
    isContainerRuntimeReachable: probe = isContainerRuntimeReachable,
    startContainer = startRabbitMqContainer,
  } = options;

  const fromEnvironment = variable(env, 'AMQP_URL');
  // The broker is shared and outlives the suite; suites isolate themselves by unique names.
  if (fromEnvironment) return { kind: 'environment', url: fromEnvironment, stop: async () => {} };

  if (await probe()) {
    const started = await startContainer(image);
    let stopped: Promise<void> | undefined;
    return { kind: 'container', url: started.url, stop: () => (stopped ??= started.stop()) };
  }

  throw new TestEnvironmentError(
    'rabbitmq_unavailable',
    'This suite needs RabbitMQ, but AMQP_URL is not set and no container engine is reachable for ' +
      `Testcontainers. Set AMQP_URL=${AMQP_URL_EXAMPLE} (a running broker) or start a Docker engine.`,
  );
}

async function startRabbitMqContainer(image: string): Promise<StartedService> {
  const container = await new RabbitMQContainer(image).start();
  return {
    url: container.getAmqpUrl(),
    stop: async () => {
      await container.stop();
    },
  };
}
