import { PermanentError } from '@mbs/errors';
import { createLogger } from '@mbs/telemetry';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { createHttpApi, parseInput } from './index';

class ThingNotFoundError extends PermanentError {
  constructor(id: string) {
    super('thing_not_found', `No thing with id "${id}"`);
  }
}

async function app() {
  const lines: string[] = [];
  const destination = new Writable({
    write: (chunk, _e, done) => (lines.push(String(chunk)), done()),
  });
  const api = await createHttpApi({
    logger: createLogger({ service: 'http-test', destination }),
    errorStatuses: [[ThingNotFoundError, 404]],
  });
  const Body = z.strictObject({ name: z.string().min(1), size: z.number().int() });
  api.post('/things', async (request) => parseInput(Body, request.body));
  api.get('/things/:id', async (request) => {
    throw new ThingNotFoundError((request.params as { id: string }).id);
  });
  api.get('/broken', { config: { takesQuery: true } }, async () => {
    throw new Error('database password is hunter2');
  });
  api.get('/search', { config: { takesQuery: true } }, async (request) =>
    parseInput(z.strictObject({ q: z.string().optional() }), request.query),
  );
  return { api, lines };
}

describe('createHttpApi', () => {
  it('answers invalid input with every wrong field and why', async () => {
    const { api } = await app();
    const response = await api.inject({
      method: 'POST',
      url: '/things',
      payload: { name: '', colour: 'red' },
    });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['colour', 'name', 'size']);
  });

  it("maps the service's own errors to their status with a code and message", async () => {
    const { api } = await app();
    const response = await api.inject('/things/42');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'thing_not_found', message: 'No thing with id "42"' });
  });

  it('answers a body that is not JSON with a 400 in the same form', async () => {
    const { api } = await app();
    const response = await api.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{oops',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toBe('(body)');
  });

  it('logs an unexpected failure and leaks nothing of it', async () => {
    const { api, lines } = await app();
    const response = await api.inject('/broken');
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(lines.join('')).toContain('request failed');
  });

  it('refuses query parameters on a route that takes none, naming each, and keeps 404 for no route', async () => {
    const { api } = await app();
    for (const url of ['/things/42?colour=red', '/things/42?colour']) {
      const response = await api.inject(url);
      expect({ url, status: response.statusCode }).toEqual({ url, status: 400 });
      expect(response.json()).toEqual({
        errors: [{ field: 'colour', problem: 'is not a known field' }],
      });
    }
    const posted = await api.inject({
      method: 'POST',
      url: '/things?dryRun=true',
      payload: { name: 'a', size: 1 },
    });
    expect(posted.statusCode).toBe(400);
    expect(posted.json().errors).toEqual([{ field: 'dryRun', problem: 'is not a known field' }]);
    // A route that reads its query refuses unknown parameters itself, by its schema.
    expect((await api.inject('/search?q=x')).statusCode).toBe(200);
    expect((await api.inject('/search?colour=red')).json().errors[0].field).toBe('colour');
    expect((await api.inject('/nowhere?colour=red')).statusCode).toBe(404);
  });

  it('takes an id as long as the contracts allow (128) and longer to the route, not to a 404', async () => {
    const { api } = await app();
    for (const id of ['x'.repeat(128), 'y'.repeat(1000)]) {
      const response = await api.inject(`/things/${id}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toBe('thing_not_found');
    }
  });

  it('answers thousands of unknown fields with one bounded answer: the first 20 and a count of the rest', async () => {
    const { api, lines } = await app();
    const fields = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`unknown-field-${i}`, 'x'.repeat(10)]),
    );
    const body = JSON.stringify({ name: 'a', size: 1, ...fields });
    expect(body.length).toBeGreaterThan(600_000);
    const response = await api.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(4_000);
    const answer = response.json();
    expect(answer.errors).toHaveLength(20);
    expect(answer.errors[0]).toEqual({ field: 'unknown-field-0', problem: 'is not a known field' });
    expect(answer.moreErrors).toBe(19_980);

    const query = Array.from({ length: 1_500 }, (_, i) => `p${i}=1`).join('&');
    for (const url of [`/things/42?${query}`, `/search?${query}`]) {
      const refused = await api.inject(url);
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toEqual({
        errors: expect.arrayContaining([{ field: 'p0', problem: 'is not a known field' }]),
        moreErrors: 1_480,
      });
    }
    expect(lines.join('').length).toBeLessThan(2_000);
  });

  it('shortens a huge field name in the answer', async () => {
    const { api } = await app();
    const response = await api.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'a', size: 1, ['k'.repeat(100_000)]: 1 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(1_000);
    expect(response.json().errors[0].field).toMatch(/^k{20,}…$/);
  });

  it('logs an unexpected failure without the whole request', async () => {
    const { api, lines } = await app();
    const response = await api.inject(`/broken?q=${'s'.repeat(20_000)}`);
    expect(response.statusCode).toBe(500);
    expect(lines.join('')).toContain('request failed');
    expect(lines.join('').length).toBeLessThan(2_000);
  });

  it('answers a path segment too long for the router, or badly encoded, in the same bounded form without echoing it', async () => {
    const { api } = await app();
    const tooLong = await api.inject(`/things/${'x'.repeat(5_000)}`);
    expect(tooLong.statusCode).toBe(414);
    expect(tooLong.json()).toEqual({
      errors: [{ field: '(path)', problem: 'has a part longer than 1024 characters' }],
    });
    const badlyEncoded = await api.inject(`/things/${'y'.repeat(500)}%E0%A4%A`);
    expect(badlyEncoded.statusCode).toBe(400);
    expect(badlyEncoded.json()).toEqual({
      errors: [{ field: '(path)', problem: 'is not a valid URL (bad percent-encoding)' }],
    });
  });
});
