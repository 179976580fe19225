import {
  ConfigError,
  boolean,
  brokerVariables,
  httpVariables,
  integer,
  loadConfig,
  oneOf,
  optionalString,
  storeVariables,
  string,
} from './index';

const spec = {
  ...brokerVariables,
  ...storeVariables,
  ...httpVariables(3001),
  RETRY_LIMIT: integer({
    description: 'Attempts before giving up',
    default: '8',
    min: 1,
    max: 100,
  }),
  PAUSED: boolean({ description: 'Start paused', default: 'false' }),
  MODE: oneOf(['fhir', 'worklist'], { description: 'Message type', default: 'fhir' }),
  RELAY_KEY: string({ description: 'Send key', devDefault: 'dev-key', secret: true }),
  NOTE: optionalString({ description: 'Free text' }),
};

function problemsOf(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const config = error as ConfigError;
    expect(config.retryable).toBe(false);
    return Object.fromEntries(config.problems.map((p) => [p.variable, p.problem]));
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on development defaults with nothing set', () => {
    const config = loadConfig(spec, {});
    expect(config).toEqual({
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      BUS_NAMESPACE: 'mbs',
      BUS_DEAD_LETTER_RETENTION_DAYS: 14,
      MONGODB_URL: 'mongodb://127.0.0.1:27017',
      HOST: '0.0.0.0',
      PORT: 3001,
      RETRY_LIMIT: 8,
      PAUSED: false,
      MODE: 'fhir',
      RELAY_KEY: 'dev-key',
      NOTE: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('keeps dead letters 14 days by default, at least a day and at most what the broker can time', () => {
    expect(
      loadConfig(spec, { BUS_DEAD_LETTER_RETENTION_DAYS: '1' }).BUS_DEAD_LETTER_RETENTION_DAYS,
    ).toBe(1);
    expect(
      problemsOf(() => loadConfig(spec, { BUS_DEAD_LETTER_RETENTION_DAYS: '0' })),
    ).toHaveProperty('BUS_DEAD_LETTER_RETENTION_DAYS');
    // A per-message expiry is a 32-bit count of milliseconds: 49 days and a bit.
    expect(
      problemsOf(() => loadConfig(spec, { BUS_DEAD_LETTER_RETENTION_DAYS: '50' })),
    ).toHaveProperty('BUS_DEAD_LETTER_RETENTION_DAYS');
  });

  it('parses given values into their types', () => {
    const config = loadConfig(spec, {
      PORT: '8080',
      RETRY_LIMIT: '3',
      PAUSED: 'yes',
      MODE: 'worklist',
      NOTE: 'hello',
      AMQP_URL: 'amqps://user:pw@broker:5671/vhost',
    });
    expect(config.PORT).toBe(8080);
    expect(config.RETRY_LIMIT).toBe(3);
    expect(config.PAUSED).toBe(true);
    expect(config.MODE).toBe('worklist');
    expect(config.NOTE).toBe('hello');
    expect(config.AMQP_URL).toBe('amqps://user:pw@broker:5671/vhost');
  });

  it('names every invalid variable at once, with the reason and the value given', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, {
        PORT: '70000',
        RETRY_LIMIT: 'many',
        PAUSED: 'maybe',
        MODE: 'hl7',
        MONGODB_URL: 'http://x',
      }),
    );
    expect(Object.keys(problems).sort()).toEqual([
      'MODE',
      'MONGODB_URL',
      'PAUSED',
      'PORT',
      'RETRY_LIMIT',
    ]);
    expect(problems.PORT).toBe('must be at most 65535 (got "70000")');
    expect(problems.RETRY_LIMIT).toContain('must be a whole number');
    expect(problems.PAUSED).toContain('must be true or false');
    expect(problems.MODE).toContain('"hl7"');
    // A connection URL is secret: its value is never echoed (it may hold a password).
    expect(problems.MONGODB_URL).toBe('must use mongodb:// or mongodb+srv://');
  });

  it('refuses a value that is not a URL at all', () => {
    expect(problemsOf(() => loadConfig(spec, { AMQP_URL: 'not a url' })).AMQP_URL).toBe(
      'must be a URL',
    );
  });

  it('in production, does not fall back to development defaults and names what is missing', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, { NODE_ENV: 'production', RELAY_KEY: 's3cret' }),
    );
    expect(Object.keys(problems).sort()).toEqual(['AMQP_URL', 'MONGODB_URL']);
    expect(problems.AMQP_URL).toBe(
      'is required but not set (RabbitMQ connection URL); development default is not used in production',
    );
  });

  it('treats an empty value as not set', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, {
        NODE_ENV: 'production',
        AMQP_URL: '',
        MONGODB_URL: 'mongodb://db',
        RELAY_KEY: '',
      }),
    );
    expect(Object.keys(problems).sort()).toEqual(['AMQP_URL', 'RELAY_KEY']);
  });

  it('lists the problems in the error message, one per line', () => {
    expect(() => loadConfig(spec, { PORT: '-1' })).toThrow(
      'Invalid configuration (1 problem):\n  - PORT: must be at least 0 (got "-1")',
    );
  });
});
