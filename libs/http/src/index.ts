export { createHttpApi, type HttpApiOptions } from './create-http-api';
export { InvalidInputError, parseInput, type FieldError } from './field-errors';
export { NotFoundError } from './not-found-error';
