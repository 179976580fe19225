import type { Bus } from '@mbs/bus';
import type { DeadLetterSource } from '@mbs/http';
import type { Store } from '@mbs/store';
import type { Logger } from '@mbs/telemetry';
import { StaffTokenCache, type PrivateSigningJwk, type StaffAudience } from '@mbs/trust';
import { createAccountStore, createPasswordHasher, type PasswordHashCost } from './accounts';
import {
  appointmentQueries,
  createQueryClient,
  dispatcherQueries,
  fhirBuilderQueries,
} from './clients';
import { staffCommands } from './commands/staff-commands';
import type { WebContext } from './context';
import { accountLockout } from './http/account-lockout';
import { LiveFeed } from './live/live-feed';
import { createRejectionStore } from './notifications/rejection-store';
import { MongoSessionStore } from './sessions/session-store';
import { createWindowCounter, type WindowCounter } from './sessions/window-counter';

export interface WiringOptions {
  readonly store: Store;
  readonly bus: Pick<Bus, 'publish'>;
  /** web's consumer's dead letters: `bus.deadLetters(CONSUMER)`, with web's own broker user. */
  readonly deadLetters: DeadLetterSource;
  readonly logger: Logger;
  readonly urls: {
    readonly appointment: string;
    readonly fhirBuilder: string;
    readonly dispatcher: string;
  };
  readonly queryTimeoutMs: number;
  /**
   * web's private signing key (WEB_SIGNING_KEY): it issues the staff tokens the query clients
   * send and signs every staff command.
   */
  readonly signingKey: PrivateSigningJwk;
  readonly passwordCost: PasswordHashCost;
  readonly sessionIdleMs: number;
  readonly failedSignInsPerAccount: number;
  readonly heartbeatMs?: number;
  readonly now?: () => Date;
  readonly feed?: LiveFeed;
}

/**
 * Everything web's routes work with, made from its store, its bus and its configuration: one
 * place for main.ts and the tests to build it the same way.
 */
export function wireWebContext(options: WiringOptions): {
  context: Omit<WebContext, 'assets'>;
  counter: WindowCounter;
} {
  const { connection } = options.store;
  const now = options.now ?? (() => new Date());
  const counter = createWindowCounter(connection, () => now().getTime());
  // One token per member of staff and service, reused until shortly before it expires.
  const tokens = new StaffTokenCache({ signingKey: options.signingKey });
  const client = (baseUrl: string, information: string, audience: StaffAudience) =>
    createQueryClient({
      baseUrl,
      information,
      timeoutMs: options.queryTimeoutMs,
      audience,
      tokens,
    });
  return {
    counter,
    context: {
      accounts: createAccountStore(connection, createPasswordHasher(options.passwordCost)),
      sessions: new MongoSessionStore(connection, { idleMs: options.sessionIdleMs, now }),
      lockout: accountLockout(counter, options.failedSignInsPerAccount),
      rejections: createRejectionStore(connection, now),
      queries: {
        appointments: appointmentQueries(
          client(options.urls.appointment, 'Appointments', 'appointment'),
        ),
        messages: dispatcherQueries(client(options.urls.dispatcher, 'Orders', 'relay-dispatcher')),
        destinations: fhirBuilderQueries(
          client(options.urls.fhirBuilder, 'Destinations', 'fhir-builder'),
        ),
      },
      commands: staffCommands(options.bus, options.signingKey),
      deadLetters: options.deadLetters,
      feed: options.feed ?? new LiveFeed(),
      logger: options.logger,
      now,
      heartbeatMs: options.heartbeatMs ?? 15_000,
    },
  };
}
