import type { DeadLetterSource } from '@mbs/http';
import type { Logger } from '@mbs/telemetry';
import type { AccountStore } from './accounts';
import type { AppointmentQueries, DispatcherQueries, FhirBuilderQueries } from './clients';
import type { StaffCommands } from './commands/staff-commands';
import type { AccountLockout } from './http/account-lockout';
import type { PageSetting } from './http/page';
import type { LiveFeed } from './live/live-feed';
import type { MongoSessionStore } from './sessions/session-store';

/** What the routes work with, made once in `buildWebApp`. */
export interface WebContext extends PageSetting {
  readonly accounts: AccountStore;
  readonly sessions: MongoSessionStore;
  readonly lockout: AccountLockout;
  readonly queries: {
    readonly appointments: AppointmentQueries;
    readonly messages: DispatcherQueries;
    readonly destinations: FhirBuilderQueries;
  };
  readonly commands: StaffCommands;
  /** web's own consumer's dead letters, read with web's own broker user (admins only). */
  readonly deadLetters: DeadLetterSource;
  readonly feed: LiveFeed;
  readonly logger: Logger;
  readonly now: () => Date;
  /** How often an open live stream sends a heartbeat (and checks its session is still alive). */
  readonly heartbeatMs: number;
}
