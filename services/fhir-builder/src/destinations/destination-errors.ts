import { PermanentError } from '@mbs/errors';

export class DestinationNotFoundError extends PermanentError {
  constructor(readonly destinationId: string) {
    super('destination_not_found', `No destination ${destinationId}`);
  }
}

/** A setting has one enabled destination at most, so an order can never go to two places. */
export class DestinationConflictError extends PermanentError {
  constructor(
    readonly settingId: string,
    readonly enabledDestinationId: string,
  ) {
    super(
      'destination_conflict',
      `Setting ${settingId} already has an enabled destination (${enabledDestinationId}): disable it first, or change it instead`,
    );
  }
}

export class DestinationExistsError extends PermanentError {
  constructor(readonly destinationId: string) {
    super('destination_exists', `A destination with id ${destinationId} already exists`);
  }
}
