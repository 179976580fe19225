import { validationProblems as problems } from '@mbs/testing';
import mongoose, { Schema } from 'mongoose';
import { z } from 'zod';
import { contractField } from './contract-field';

const Code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'is not a code (three letters)');

// Validation runs before anything is written, so an unopened connection is enough.
const Thing = mongoose.createConnection().model(
  'Thing',
  new Schema({
    code: { type: String, required: true, ...contractField(Code) },
    note: { type: String, ...contractField(z.string().max(5, 'is too long')) },
  }),
);

describe('contractField', () => {
  it('stores a value as the schema reads it', async () => {
    const thing = new Thing({ code: ' rrx ' });
    expect(thing.code).toBe('RRX');
    expect(await problems(thing)).toEqual({});
  });

  it('refuses what the schema refuses, in its words, keeping the value as given', async () => {
    const thing = new Thing({ code: 'R8', note: 'far too long' });
    expect(thing.code).toBe('R8');
    expect(await problems(thing)).toEqual({
      code: 'is not a code (three letters)',
      note: 'is too long',
    });
  });

  it('leaves an absent value to `required`, and checks null like any value', async () => {
    expect(await problems(new Thing({}))).toEqual({ code: 'Path `code` is required.' });
    expect(await problems(new Thing({ code: 'ABC', note: null }))).toEqual({
      note: 'Invalid input: expected string, received null',
    });
  });
});
