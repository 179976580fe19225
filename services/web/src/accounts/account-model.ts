import { contractField, modelOn } from '@mbs/store';
import { Schema, type Connection, type Types } from 'mongoose';
import { PersonName, Role, Username } from './account';

export interface AccountDocument {
  /** `keyToObjectId('account:' + username)`: the stand-in accepts only ObjectId `_id`s. */
  _id: Types.ObjectId;
  username: string;
  name: string;
  role: Role;
  /** argon2id, in the PHC string form (it carries its own salt and cost). */
  passwordHash: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const accountSchema = new Schema<AccountDocument>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    username: { type: String, required: true, ...contractField(Username) },
    name: { type: String, required: true, ...contractField(PersonName) },
    role: { type: String, required: true, ...contractField(Role) },
    passwordHash: { type: String, required: true },
    enabled: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'accounts', versionKey: false },
);
// Declared for real MongoDB; correctness rests on the _id derived from the username.
accountSchema.index({ username: 1 }, { unique: true });

export const accountModel = (connection: Connection) =>
  modelOn(connection, 'Account', accountSchema);
