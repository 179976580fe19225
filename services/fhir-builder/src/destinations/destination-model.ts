import { contractField } from '@mbs/store';
import { type Connection, Schema, type Types } from 'mongoose';
import { Destination } from './destination';

export interface DestinationDocument {
  /** `keyToObjectId(destinationId)`: the stand-in accepts only ObjectId `_id`s. */
  _id: Types.ObjectId;
  destinationId: string;
  settingId: string;
  name: string;
  messageType: string;
  gatewayId: string;
  target: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** Each field held to the one schema of a destination. */
const field = Destination.shape;

const destinationSchema = new Schema<DestinationDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    destinationId: { type: String, required: true, ...contractField(field.destinationId) },
    settingId: { type: String, required: true, index: true, ...contractField(field.settingId) },
    name: { type: String, required: true, ...contractField(field.name) },
    messageType: { type: String, required: true, ...contractField(field.messageType) },
    gatewayId: { type: String, required: true, ...contractField(field.gatewayId) },
    target: { type: String, required: true, ...contractField(field.target) },
    enabled: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'destinations', versionKey: false },
);
// For real MongoDB's sake only: correctness never relies on it (the stand-in ignores it).
destinationSchema.index({ destinationId: 1 }, { unique: true });

export function destinationModel(connection: Connection) {
  return connection.model<DestinationDocument>('Destination', destinationSchema);
}
