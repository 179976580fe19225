import { PermanentError } from '@mbs/errors';

export class GatewayNotFoundError extends PermanentError {
  constructor(readonly gatewayId: string) {
    super('gateway_not_found', `No gateway ${gatewayId}`);
  }
}

export class GatewayExistsError extends PermanentError {
  constructor(readonly gatewayId: string) {
    super('gateway_exists', `A gateway with id ${gatewayId} already exists`);
  }
}
