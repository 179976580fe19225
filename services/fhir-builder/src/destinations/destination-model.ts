import { type Connection, Schema, type Types } from 'mongoose';

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

const destinationSchema = new Schema<DestinationDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    destinationId: { type: String, required: true },
    settingId: { type: String, required: true, index: true },
    name: { type: String, required: true },
    messageType: { type: String, required: true },
    gatewayId: { type: String, required: true },
    target: { type: String, required: true },
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
