import { contractField } from '@mbs/store';
import type { GatewayPublicJwks } from '@mbs/trust';
import { type Connection, Schema, type Types } from 'mongoose';
import { StoredGateway } from './gateway';

export interface GatewayHealthDocument {
  state: string;
  lastEchoAt?: Date | null;
  lastSuccessAt?: Date | null;
  rttMs?: number | null;
  consecutiveFailures: number;
  lastError?: string | null;
}

export interface GatewayDocument {
  /** `keyToObjectId(gatewayId)`: the stand-in accepts only ObjectId `_id`s. */
  _id: Types.ObjectId;
  gatewayId: string;
  name: string;
  relayEndpoint: string;
  hybridConnection: string;
  sendKeyName: string;
  /** The NAME of the secret holding the Send key; never the key. */
  sendKeySecret: string;
  enabled: boolean;
  /** Its public keys (a JWK set): orders are encrypted to it, its frames verified with it. */
  publicKeys?: GatewayPublicJwks | null;
  health?: GatewayHealthDocument | null;
  createdAt: Date;
  updatedAt: Date;
  /**
   * Counts changes to the gateway's own fields: every change is conditional on the revision it
   * read, so two concurrent changes cannot overwrite each other. Absent on gateways stored
   * before it existed (read as 0).
   */
  revision?: number;
}

/**
 * Each field held to what a stored gateway may be (StoredGateway, which also reads a secret name
 * stored before names were restricted, so such a gateway can still be read and fixed).
 */
const field = StoredGateway.shape;

const gatewaySchema = new Schema<GatewayDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    gatewayId: { type: String, required: true, ...contractField(field.gatewayId) },
    name: { type: String, required: true, ...contractField(field.name) },
    relayEndpoint: { type: String, required: true, ...contractField(field.relayEndpoint) },
    hybridConnection: { type: String, required: true, ...contractField(field.hybridConnection) },
    sendKeyName: { type: String, required: true, ...contractField(field.sendKeyName) },
    sendKeySecret: { type: String, required: true, ...contractField(field.sendKeySecret) },
    enabled: { type: Boolean, required: true },
    publicKeys: { type: Schema.Types.Mixed, ...contractField(field.publicKeys) },
    health: {
      type: new Schema(
        {
          state: { type: String, required: true },
          lastEchoAt: Date,
          lastSuccessAt: Date,
          rttMs: Number,
          consecutiveFailures: { type: Number, required: true },
          lastError: String,
        },
        { _id: false },
      ),
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    revision: { type: Number },
  },
  { collection: 'gateways', versionKey: false },
);
// For real MongoDB's sake only: correctness never relies on it (the stand-in ignores it).
gatewaySchema.index({ gatewayId: 1 }, { unique: true });

export function gatewayModel(connection: Connection) {
  return connection.models.Gateway
    ? (connection.models.Gateway as ReturnType<typeof create>)
    : create(connection);
}

function create(connection: Connection) {
  return connection.model<GatewayDocument>('Gateway', gatewaySchema);
}
