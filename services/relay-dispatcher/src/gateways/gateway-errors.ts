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

/** Someone else changed the gateway between our read and our write: read it again and retry. */
export class GatewayChangedError extends PermanentError {
  constructor(readonly gatewayId: string) {
    super(
      'gateway_changed',
      `Gateway ${gatewayId} was changed by another request at the same time; read it again and retry`,
    );
  }
}
