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
  api.get('/broken', async () => {
    throw new Error('database password is hunter2');
  });
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
});
