export { createHttpApi, type HttpApiOptions } from './create-http-api';
export { InvalidInputError, parseInput, type FieldError } from './field-errors';
