import { boolean, integer, oneOf, port, string, url } from './variable';

/** Variables every service shares; each service spreads the groups it uses into its own spec. */

export const brokerVariables = {
  AMQP_URL: url({
    description: 'RabbitMQ connection URL',
    devDefault: 'amqp://guest:guest@127.0.0.1:5672',
    protocols: ['amqp', 'amqps'],
    secret: true,
  }),
  BUS_NAMESPACE: string({
    description:
      'Prefix of every exchange and queue, so several systems (or test runs) can share one broker',
    default: 'mbs',
  }),
  BUS_DEAD_LETTER_RETENTION_DAYS: integer({
    description:
      'Days a dead-lettered message is kept (visible and replayable) before the broker drops it',
    default: '14',
    min: 1,
    // A per-message expiry is a 32-bit count of milliseconds: 49 days and a bit.
    max: 49,
  }),
};

export const storeVariables = {
  MONGODB_URL: url({
    description: 'MongoDB connection URL; each service uses its own database on it',
    devDefault: 'mongodb://127.0.0.1:27017',
    protocols: ['mongodb', 'mongodb+srv'],
    secret: true,
  }),
};

export const logVariables = {
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    description: 'Minimum level of the structured (JSON) logs',
    default: 'info',
  }),
};

export function httpVariables(defaultPort: number) {
  return {
    HOST: string({ description: 'Address the HTTP server listens on', default: '0.0.0.0' }),
    PORT: port({ description: 'Port the HTTP server listens on', default: String(defaultPort) }),
  };
}

/**
 * Whether a service loads its demo data (settings and appointments, destinations, the local
 * gateway) into an empty database. On by default in development; production must say so
 * explicitly, so demo data never appears in a real system by omission.
 */
export const demoDataVariables = {
  SEED_DEMO_DATA: boolean({
    description: "Load the service's demo data at start when its database is empty",
    devDefault: 'true',
  }),
};
