import type { Connection, Model, Schema } from 'mongoose';

/**
 * The connection's model of that name, registered on first use, so wiring a service twice on one
 * connection (a test, a second start) is harmless. Always on the service's own connection, never
 * mongoose's global one.
 */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}
