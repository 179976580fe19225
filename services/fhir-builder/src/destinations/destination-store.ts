import { randomUUID } from 'node:crypto';
import { keyToObjectId } from '@mbs/store';
import type { Connection } from 'mongoose';
import {
  Destination,
  type DestinationChange,
  type DestinationFilter,
  NewDestination,
} from './destination';
import {
  DestinationConflictError,
  DestinationExistsError,
  DestinationNotFoundError,
} from './destination-errors';
import { type DestinationDocument, destinationModel } from './destination-model';

export interface DestinationStore {
  list(filter?: DestinationFilter): Promise<Destination[]>;
  get(destinationId: string): Promise<Destination | undefined>;
  create(input: NewDestination, now?: Date): Promise<Destination>;
  change(destinationId: string, change: DestinationChange, now?: Date): Promise<Destination>;
  setEnabled(destinationId: string, enabled: boolean, now?: Date): Promise<Destination>;
  count(): Promise<number>;
}

/**
 * Destinations in this service's own database. One enabled destination per setting is enforced
 * here, in code, before each write that could add one (create, enable, move to another setting),
 * because the stand-in does not enforce unique secondary indexes. Two admins enabling two
 * destinations of one setting in the same instant could both pass the check; the handler then
 * refuses to choose (a destination_lookup failure naming both) rather than guess.
 */
export function createDestinationStore(connection: Connection): DestinationStore {
  const model = destinationModel(connection);

  const fromDocument = (doc: DestinationDocument): Destination =>
    Destination.parse({
      destinationId: doc.destinationId,
      settingId: doc.settingId,
      name: doc.name,
      messageType: doc.messageType,
      gatewayId: doc.gatewayId,
      target: doc.target,
      enabled: doc.enabled,
      // The stand-in's file persistence turns dates into strings: accept both.
      createdAt: new Date(doc.createdAt).toISOString(),
      updatedAt: new Date(doc.updatedAt).toISOString(),
    });

  const find = async (filter: Record<string, unknown>) =>
    (
      await model
        .find(filter)
        .sort({ settingId: 1, destinationId: 1 })
        .lean<DestinationDocument[]>()
    ).map(fromDocument);

  async function refuseSecondEnabled(settingId: string, destinationId: string): Promise<void> {
    const other = (await find({ settingId, enabled: true })).find(
      (d) => d.destinationId !== destinationId,
    );
    if (other) throw new DestinationConflictError(settingId, other.destinationId);
  }

  async function get(destinationId: string) {
    const doc = await model.findById(keyToObjectId(destinationId)).lean<DestinationDocument>();
    return doc ? fromDocument(doc) : undefined;
  }

  async function update(destinationId: string, next: Destination): Promise<Destination> {
    const { destinationId: _id, createdAt: _c, ...fields } = next;
    const doc = await model
      .findOneAndUpdate(
        { _id: keyToObjectId(destinationId) },
        { $set: { ...fields, updatedAt: new Date(next.updatedAt) } },
        { returnDocument: 'after' },
      )
      .lean<DestinationDocument>();
    if (!doc) throw new DestinationNotFoundError(destinationId);
    return fromDocument(doc);
  }

  return {
    list: (filter = {}) =>
      find({
        ...(filter.settingId !== undefined && { settingId: filter.settingId }),
        ...(filter.enabled !== undefined && { enabled: filter.enabled }),
      }),
    get,
    async create(input, now = new Date()) {
      const parsed = NewDestination.parse(input);
      const destination = Destination.parse({
        ...parsed,
        destinationId: parsed.destinationId ?? `dest-${randomUUID()}`,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
      if (destination.enabled)
        await refuseSecondEnabled(destination.settingId, destination.destinationId);
      if (await get(destination.destinationId)) {
        throw new DestinationExistsError(destination.destinationId);
      }
      await model.create({
        ...destination,
        _id: keyToObjectId(destination.destinationId),
        createdAt: now,
        updatedAt: now,
      });
      return destination;
    },
    async change(destinationId, change, now = new Date()) {
      const current = await get(destinationId);
      if (!current) throw new DestinationNotFoundError(destinationId);
      const next = Destination.parse({ ...current, ...change, updatedAt: now.toISOString() });
      if (next.enabled && (!current.enabled || next.settingId !== current.settingId)) {
        await refuseSecondEnabled(next.settingId, destinationId);
      }
      return update(destinationId, next);
    },
    async setEnabled(destinationId, enabled, now = new Date()) {
      const current = await get(destinationId);
      if (!current) throw new DestinationNotFoundError(destinationId);
      if (current.enabled === enabled) return current;
      if (enabled) await refuseSecondEnabled(current.settingId, destinationId);
      return update(destinationId, { ...current, enabled, updatedAt: now.toISOString() });
    },
    count: () => model.countDocuments(),
  };
}
