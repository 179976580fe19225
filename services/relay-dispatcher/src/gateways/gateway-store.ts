import { insertOnce, keyToObjectId } from '@mbs/store';
import type { Connection } from 'mongoose';
import {
  Gateway,
  type GatewayChange,
  type GatewayHealth,
  NewGateway,
  StoredGateway,
  unknownHealth,
} from './gateway';
import { GatewayChangedError, GatewayExistsError, GatewayNotFoundError } from './gateway-errors';
import { type GatewayDocument, gatewayModel } from './gateway-model';

export type GatewayWithHealth = Gateway & { readonly health: GatewayHealth };

const iso = (value: Date | string | null | undefined) =>
  value ? new Date(value).toISOString() : null;

function fromDocument(doc: GatewayDocument): GatewayWithHealth {
  const gateway = StoredGateway.parse({
    gatewayId: doc.gatewayId,
    name: doc.name,
    relayEndpoint: doc.relayEndpoint,
    hybridConnection: doc.hybridConnection,
    sendKeyName: doc.sendKeyName,
    sendKeySecret: doc.sendKeySecret,
    enabled: doc.enabled,
    ...(doc.publicKeys && { publicKeys: doc.publicKeys }),
    // The stand-in's file persistence turns dates into strings: accept both.
    createdAt: new Date(doc.createdAt).toISOString(),
    updatedAt: new Date(doc.updatedAt).toISOString(),
  });
  const h = doc.health;
  const health: GatewayHealth = h
    ? {
        state: h.state as GatewayHealth['state'],
        lastEchoAt: iso(h.lastEchoAt),
        lastSuccessAt: iso(h.lastSuccessAt),
        rttMs: h.rttMs ?? null,
        consecutiveFailures: h.consecutiveFailures,
        lastError: h.lastError ?? null,
      }
    : unknownHealth;
  return { ...gateway, health };
}

/** Gateways in this service's own database, with the health the echo records on them. */
export function createGatewayStore(connection: Connection) {
  const model = gatewayModel(connection);
  const byId = (gatewayId: string) => ({ _id: keyToObjectId(gatewayId) });

  async function get(gatewayId: string): Promise<GatewayWithHealth | undefined> {
    const doc = await model.findOne(byId(gatewayId)).lean<GatewayDocument>();
    return doc ? fromDocument(doc) : undefined;
  }

  /**
   * Sets fields of a gateway as of the revision `read` (its document as the caller read it):
   * when another change came in between, nothing is written and GatewayChangedError says so.
   */
  async function update(gatewayId: string, read: GatewayDocument, set: Record<string, unknown>) {
    const doc = await model
      .findOneAndUpdate(
        // `null` also matches a gateway stored before revisions existed.
        { ...byId(gatewayId), revision: read.revision ?? null },
        { $set: { ...set, revision: (read.revision ?? 0) + 1 } },
        { returnDocument: 'after' },
      )
      .lean<GatewayDocument>();
    if (doc) return fromDocument(doc);
    if (await model.exists(byId(gatewayId))) throw new GatewayChangedError(gatewayId);
    throw new GatewayNotFoundError(gatewayId);
  }

  async function read(gatewayId: string): Promise<GatewayDocument> {
    const doc = await model.findOne(byId(gatewayId)).lean<GatewayDocument>();
    if (!doc) throw new GatewayNotFoundError(gatewayId);
    return doc;
  }

  return {
    get,
    async list(filter: { enabled?: boolean } = {}): Promise<GatewayWithHealth[]> {
      const docs = await model
        .find(filter.enabled === undefined ? {} : { enabled: filter.enabled })
        .sort({ gatewayId: 1 })
        .lean<GatewayDocument[]>();
      return docs.map(fromDocument);
    },
    /**
     * Registers a gateway. Its id is the document `_id`, so of two concurrent registrations of
     * one id exactly one is stored and the other gets GatewayExistsError (never a raw E11000).
     */
    async create(input: NewGateway, now = new Date()): Promise<GatewayWithHealth> {
      const parsed = NewGateway.parse(input);
      const { created } = await insertOnce(model, {
        ...parsed,
        _id: keyToObjectId(parsed.gatewayId),
        health: { state: 'unknown', consecutiveFailures: 0 },
        createdAt: now,
        updatedAt: now,
        revision: 0,
      } as GatewayDocument);
      if (!created) throw new GatewayExistsError(parsed.gatewayId);
      return (await get(parsed.gatewayId))!;
    },
    /**
     * Applies a change to the gateway as read now, conditionally on nobody changing it meanwhile
     * (GatewayChangedError: 409, read again and retry), so concurrent changes never overwrite
     * each other silently.
     */
    async change(gatewayId: string, change: GatewayChange, now = new Date()) {
      const doc = await read(gatewayId);
      // Validate the whole result, so a change can never store an invalid gateway.
      const { health: _h, ...rest } = fromDocument(doc);
      const next = Gateway.parse({ ...rest, ...change, updatedAt: now.toISOString() });
      const { gatewayId: _id, createdAt: _c, ...fields } = next;
      return update(gatewayId, doc, { ...fields, updatedAt: now });
    },
    async setEnabled(gatewayId: string, enabled: boolean, now = new Date()) {
      return update(gatewayId, await read(gatewayId), { enabled, updatedAt: now });
    },
    /** A successful echo: online, with its round trip; the failure count starts again. */
    recordEchoSuccess: (gatewayId: string, rttMs: number, at: Date) =>
      model
        .updateOne(byId(gatewayId), {
          $set: {
            'health.state': 'online',
            'health.lastEchoAt': at,
            'health.lastSuccessAt': at,
            'health.rttMs': Math.round(rttMs * 100) / 100,
            'health.consecutiveFailures': 0,
            'health.lastError': null,
          },
        })
        .exec(),
    /** A failed echo (or no session to send it on): offline, one more failure in a row. */
    recordEchoFailure: (gatewayId: string, error: string, at: Date) =>
      model
        .updateOne(byId(gatewayId), {
          $set: { 'health.state': 'offline', 'health.lastEchoAt': at, 'health.lastError': error },
          $inc: { 'health.consecutiveFailures': 1 },
        })
        .exec(),
    count: () => model.countDocuments().exec(),
  };
}

export type GatewayStore = ReturnType<typeof createGatewayStore>;
