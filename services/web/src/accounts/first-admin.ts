import type { Logger } from '@mbs/telemetry';
import type { AccountStore } from './account-store';

export interface FirstAdmin {
  readonly username: string;
  readonly name: string;
  readonly password: string;
}

/**
 * Creates the first administrator from configuration when web's database has no account yet, so
 * a new installation can be signed in to. Never touches an existing account: once people have
 * accounts, the configured password changes nothing (an administrator resets passwords at /admin/accounts).
 */
export async function createFirstAdmin(
  accounts: AccountStore,
  admin: FirstAdmin,
  logger: Logger,
): Promise<boolean> {
  if ((await accounts.count()) > 0) return false;
  const { created } = await accounts.create({ ...admin, role: 'admin' });
  if (created) logger.info({ username: admin.username }, 'created the first administrator');
  return created;
}
