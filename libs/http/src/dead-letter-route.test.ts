import { PermanentError, TransientError } from '@mbs/errors';
import { createLogger } from '@mbs/telemetry';
import { expectedStaffAccess, staffAccess, testStaffKeys, type TestStaffKeys } from '@mbs/testing';
import type { FastifyInstance } from 'fastify';
import { createHttpApi, deadLetterRoute } from './index';

let staff: TestStaffKeys;
let app: FastifyInstance;
let token: string;
const asked: number[] = [];
let failWith: Error | undefined;

beforeAll(async () => {
  staff = await testStaffKeys();
  token = await staff.token('appointment', 'admin');
  app = await createHttpApi({
    logger: createLogger({ service: 'http-test', level: 'silent' }),
    staff: { audience: 'appointment', keys: staff.keys },
  });
  deadLetterRoute(app, {
    defaultLimit: 50,
    maxLimit: 200,
    async peek(limit) {
      asked.push(limit);
      if (failWith) throw failWith;
      return { queue: 'mbs.appointment.dead-letter', total: 0, deadLetters: [] };
    },
  });
  await app.ready();
});
afterEach(() => {
  asked.length = 0;
  failWith = undefined;
});
afterAll(() => app.close());

const get = (url: string) => app.inject({ url, headers: { authorization: `Bearer ${token}` } });

describe('GET /dead-letters (deadLetterRoute)', () => {
  it('is for admins: no token 401, clinic staff 403', async () => {
    expect(
      await staffAccess(app, { method: 'GET', url: '/dead-letters' }, 'appointment', staff),
    ).toEqual(expectedStaffAccess('admin', 200));
  });

  it('looks at the default number, or at `limit`, and is never cached', async () => {
    const response = await get('/dead-letters');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      queue: 'mbs.appointment.dead-letter',
      total: 0,
      deadLetters: [],
    });
    await get('/dead-letters?limit=1');
    await get('/dead-letters?limit=200');
    expect(asked).toEqual([50, 1, 200]);
  });

  it.each(['0', '201', '1.5', '1e2', 'ten', ''])(
    'refuses limit=%s with a 400 naming it, looking at nothing',
    async (limit) => {
      const response = await get(`/dead-letters?limit=${limit}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        errors: [{ field: 'limit', problem: expect.any(String) }],
      });
      expect(asked).toEqual([]);
    },
  );

  it('names an unknown parameter', async () => {
    const response = await get('/dead-letters?limt=5');
    expect([response.statusCode, response.json()]).toEqual([
      400,
      { errors: [{ field: 'limt', problem: 'is not a known field' }] },
    ]);
  });

  it('answers 503 with the reason when the broker cannot be asked, 500 for anything else', async () => {
    failWith = new TransientError('dead_letters_unavailable', 'could not connect to RabbitMQ');
    const unavailable = await get('/dead-letters');
    expect([unavailable.statusCode, unavailable.json()]).toEqual([
      503,
      { error: 'dead_letters_unavailable', message: 'could not connect to RabbitMQ' },
    ]);
    failWith = new PermanentError('bug', 'something else');
    const broken = await get('/dead-letters');
    expect([broken.statusCode, broken.json().error]).toEqual([500, 'internal_error']);
  });
});
