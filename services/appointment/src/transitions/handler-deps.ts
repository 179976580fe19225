import type { Bus } from '@mbs/bus';
import type { Jwks, PublicJwk } from '@mbs/trust';
import type { Models } from '../store/models';

/** What every handler needs: the models, the bus to publish on, and a clock (tests pin it). */
export interface HandlerDeps {
  readonly models: Models;
  readonly bus: Pick<Bus, 'publish'>;
  readonly now: () => Date;
}

/** What the staff commands' handlers need besides: web's public keys, to verify who asked. */
export interface StaffCommandDeps extends HandlerDeps {
  /** web's public signing keys (STAFF_TOKEN_KEYS): command signatures verify with one of them. */
  readonly staffKeys: Jwks<PublicJwk>;
}
