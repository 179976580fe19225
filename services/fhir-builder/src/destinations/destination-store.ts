import { randomUUID } from 'node:crypto';
import { insertOnce, keyToObjectId } from '@mbs/store';
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
import { enabledDestinationGuard } from './enabled-destination-guard';

export interface DestinationStore {
  list(filter?: DestinationFilter): Promise<Destination[]>;
  get(destinationId: string): Promise<Destination | undefined>;
  create(input: NewDestination, now?: Date): Promise<Destination>;
  change(destinationId: string, change: DestinationChange, now?: Date): Promise<Destination>;
  setEnabled(destinationId: string, enabled: boolean, now?: Date): Promise<Destination>;
  count(): Promise<number>;
}

/**
 * Destinations in this service's own database. One enabled destination per setting holds under
 * concurrency: every write that could add one (create enabled, enable, move an enabled one to
 * another setting) first claims the setting's guard document (see enabled-destination-guard.ts),
 * and whatever stops being enabled there releases it. Of several concurrent attempts exactly one
 * succeeds; the others get DestinationConflictError (409). The read check before the claim also
 * catches an enabled destination stored before guards existed, which holds no guard.
 */
export function createDestinationStore(connection: Connection): DestinationStore {
  const model = destinationModel(connection);
  const guard = enabledDestinationGuard(connection, async (destinationId, settingId) =>
    Boolean(await model.exists({ _id: keyToObjectId(destinationId), settingId, enabled: true })),
  );

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

  /** Makes `destinationId` the one enabled destination of the setting, or throws (409). */
  async function claimEnabled(settingId: string, destinationId: string, now: Date): Promise<void> {
    const other = (await find({ settingId, enabled: true })).find(
      (d) => d.destinationId !== destinationId,
    );
    if (other) throw new DestinationConflictError(settingId, other.destinationId);
    await guard.claim(settingId, destinationId, now);
  }

  /** Runs a write made after claiming; if it fails, the claim is given back before the error. */
  async function holding<T>(
    claimed: { settingId: string; destinationId: string; now: Date } | undefined,
    write: () => Promise<T>,
  ): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (claimed)
        await guard
          .release(claimed.settingId, claimed.destinationId, claimed.now)
          .catch(() => undefined);
      throw error;
    }
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
      const { destinationId, settingId } = destination;
      if (await get(destinationId)) throw new DestinationExistsError(destinationId);
      const claimed = destination.enabled ? { settingId, destinationId, now } : undefined;
      if (claimed) await claimEnabled(settingId, destinationId, now);
      const { created } = await holding(claimed, () =>
        insertOnce(model, {
          ...destination,
          _id: keyToObjectId(destinationId),
          createdAt: now,
          updatedAt: now,
        }),
      );
      if (!created) {
        // A concurrent request created this id first. The guard names this id: it is that
        // destination's if it is enabled in this setting, otherwise it is given back.
        const winner = await get(destinationId);
        if (claimed && !(winner?.enabled && winner.settingId === settingId))
          await guard.release(settingId, destinationId, now);
        throw new DestinationExistsError(destinationId);
      }
      return destination;
    },
    async change(destinationId, change, now = new Date()) {
      const current = await get(destinationId);
      if (!current) throw new DestinationNotFoundError(destinationId);
      const next = Destination.parse({ ...current, ...change, updatedAt: now.toISOString() });
      const moved = next.settingId !== current.settingId;
      const claimed =
        next.enabled && (!current.enabled || moved)
          ? { settingId: next.settingId, destinationId, now }
          : undefined;
      if (claimed) await claimEnabled(next.settingId, destinationId, now);
      const updated = await holding(claimed, () => update(destinationId, next));
      if (current.enabled && (!next.enabled || moved))
        await guard.release(current.settingId, destinationId, now);
      return updated;
    },
    async setEnabled(destinationId, enabled, now = new Date()) {
      const current = await get(destinationId);
      if (!current) throw new DestinationNotFoundError(destinationId);
      if (current.enabled === enabled) return current;
      const next = { ...current, enabled, updatedAt: now.toISOString() };
      if (!enabled) {
        const updated = await update(destinationId, next);
        await guard.release(current.settingId, destinationId, now);
        return updated;
      }
      const claimed = { settingId: current.settingId, destinationId, now };
      await claimEnabled(current.settingId, destinationId, now);
      return holding(claimed, () => update(destinationId, next));
    },
    count: () => model.countDocuments(),
  };
}
