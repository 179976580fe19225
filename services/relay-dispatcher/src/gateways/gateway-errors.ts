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

/** A gateway's relay endpoint is not one the dispatcher may connect to (DISPATCHER_RELAY_ENDPOINTS). */
export class RelayEndpointRefusedError extends PermanentError {
  constructor(
    readonly gatewayId: string,
    readonly problem: string,
  ) {
    super(
      'relay_endpoint_refused',
      `gateway ${gatewayId}'s relay endpoint ${problem}; no session is opened (change it with PATCH /gateways/${gatewayId})`,
    );
  }
}

/**
 * A gateway without registered public keys: nothing can be sealed for it and nothing it sends
 * verified, so no session is opened to it (its messages wait) until they are registered.
 */
export class GatewayKeysMissingError extends PermanentError {
  constructor(readonly gatewayId: string) {
    super(
      'gateway_keys_missing',
      `gateway ${gatewayId} has no public keys registered: register what its \`npm run keys -w @mbs/gateway\` printed (PATCH /gateways/${gatewayId} {"publicKeys": ...}); no session is opened until then`,
    );
  }
}
