import { environmentProblems } from './environment-problems';
import { processNamed } from './processes';
import { placeholderSecret } from './secret-placeholders';

const appointment = processNamed('appointment')!;
const complete = {
  NODE_ENV: 'production',
  AMQP_URL: 'amqp://user:password@rabbitmq:5672',
  MONGODB_URL: 'mongodb://mongodb:27017/?replicaSet=rs0',
  SEED_DEMO_DATA: 'false',
  // web's public keys: every service's API is for members of staff only.
  STAFF_TOKEN_KEYS: placeholderSecret('STAFF_TOKEN_KEYS'),
};

describe('environmentProblems (the real loader, in production mode)', () => {
  it('accepts a complete environment', () => {
    expect(environmentProblems(appointment, complete)).toEqual([]);
  });

  it('names a variable the code requires but the file forgot (no dev default in production)', () => {
    const { MONGODB_URL: _forgotten, ...env } = complete;
    expect(environmentProblems(appointment, env)).toEqual([
      expect.stringMatching(/^MONGODB_URL is required but not set .*not used in production$/),
    ]);
  });

  it('names an invalid value and a misspelt variable the loader would ignore', () => {
    const problems = environmentProblems(appointment, {
      ...complete,
      PORT: 'http',
      SEED_DEMO_DATE: 'false',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^PORT must be a whole number/),
      'SEED_DEMO_DATE is not read by appointment',
    ]);
  });

  it('lets a shared ConfigMap carry settings for other processes', () => {
    const fhirBuilder = processNamed('fhir-builder')!;
    const env = { ...complete, APPOINTMENT_DB_NAME: 'appointment' };
    expect(environmentProblems(fhirBuilder, env)).toEqual([
      'APPOINTMENT_DB_NAME is not read by fhir-builder',
    ]);
    expect(environmentProblems(fhirBuilder, env, new Set(['APPOINTMENT_DB_NAME']))).toEqual([]);
  });

  it("runs what main.ts parses after loadConfig: the emulator's hybrid connections", () => {
    const emulator = processNamed('relay-emulator')!;
    expect(environmentProblems(emulator, { RELAY_EMULATOR_ENTITIES: '[{"path":"x"}]' })).toEqual([
      expect.stringMatching(/^RELAY_EMULATOR_ENTITIES /),
    ]);
  });

  it('accepts the dispatcher reading Send keys, and no one else', () => {
    const dispatcher = processNamed('relay-dispatcher')!;
    const key = { RELAY_SEND_KEY_GATEWAY_LEEDS: 'k' };
    const signing = { DISPATCHER_SIGNING_KEY: placeholderSecret('DISPATCHER_SIGNING_KEY') };
    expect(environmentProblems(dispatcher, { ...complete, ...signing, ...key })).toEqual([]);
    expect(environmentProblems(appointment, { ...complete, ...key })).toEqual([
      'RELAY_SEND_KEY_GATEWAY_LEEDS is not read by appointment',
    ]);
  });
});
