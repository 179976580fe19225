import type { Logger } from '@mbs/telemetry';
import type { NewAccount } from './account';
import type { AccountStore } from './account-store';

/**
 * A clinic staff account for development, so the flow can be tried as the people it is for
 * (not only as the administrator). Created only outside production: its password is public.
 */
export const demoStaff: NewAccount = {
  username: 'ada',
  name: 'Ada Radiographer',
  role: 'clinic_staff',
  password: 'screening-staff-dev',
};

export async function seedDemoAccounts(accounts: AccountStore, logger: Logger): Promise<void> {
  const { created } = await accounts.create(demoStaff);
  if (created)
    logger.info({ username: demoStaff.username }, 'created the demo clinic staff account');
}
