import type { Bus } from '@mbs/bus';
import type { Models } from '../store/models';

/** What every handler needs: the models, the bus to publish on, and a clock (tests pin it). */
export interface HandlerDeps {
  readonly models: Models;
  readonly bus: Pick<Bus, 'publish'>;
  readonly now: () => Date;
}
