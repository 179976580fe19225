import { BusUnavailableError } from '@mbs/bus';
import type { AnyContract, MessageOf } from '@mbs/contracts';
import type { DeadLetterSource } from '@mbs/http';
import { connectStore, type Store } from '@mbs/store';
import {
  getMongoDb,
  testLogger,
  testStaffKeys,
  type MongoDb,
  type TestStaffKeys,
} from '@mbs/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildWebApp } from '../src/app';
import type { WebContext } from '../src/context';
import { LiveFeed } from '../src/live/live-feed';
import { wireWebContext } from '../src/wiring';
import { TODAY, startQueryApis, type QueryApis } from './query-apis';

/** argon2id at a cost tests can afford (one test checks the production cost on its own). */
export const TEST_PASSWORD_COST = { memoryKiB: 1024, iterations: 1 };

export const STAFF = {
  username: 'ada',
  name: 'Ada Radiographer',
  password: 'correct horse battery',
};
export const ADMIN = { username: 'root', name: 'Rose Admin', password: 'another long passphrase' };

export interface Published {
  readonly contract: AnyContract;
  readonly message: MessageOf<AnyContract>;
}

export interface WebUnderTest {
  readonly app: FastifyInstance;
  readonly context: Omit<WebContext, 'assets'>;
  readonly apis: QueryApis;
  /** web's keys in this test: it signs with `signingKey`, the stand-ins verify with `keys`. */
  readonly staff: TestStaffKeys;
  readonly published: Published[];
  readonly feed: LiveFeed;
  /** Make the next publishes fail as a broker that is away does (or succeed again). */
  brokerAway(away: boolean): void;
  /** Move the clock (sessions, rate limits) by this much. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

let mongo: MongoDb | undefined;

/**
 * web as main.ts builds it, on a database of its own (real MongoDB when MONGODB_URL is set, else
 * the stand-in), with a capturing bus and stand-in query APIs, a clock the test moves, and two
 * accounts (clinic staff and admin).
 */
export async function startWeb(
  options: {
    idleMinutes?: number;
    perAddress?: number;
    perAccount?: number;
    /** web's consumer's dead letters (a real bus's); none unless given. */
    deadLetters?: DeadLetterSource;
  } = {},
): Promise<WebUnderTest> {
  mongo ??= await getMongoDb({ dbPrefix: 'web' });
  const dbName = `${mongo.dbName}_${Math.random().toString(36).slice(2, 8)}`;
  const store: Store = await connectStore({
    url: mongo.url,
    dbName,
    logger: testLogger('web-test'),
  });
  const staff = await testStaffKeys();
  const apis = await startQueryApis(staff.keys);
  const published: Published[] = [];
  let away = false;
  let offset = 0;
  const now = () => new Date(Date.parse(`${TODAY}T10:00:00.000Z`) + offset);
  const feed = new LiveFeed({ bootId: 'test' });
  const bus = {
    async publish(contract: AnyContract, message: MessageOf<AnyContract>) {
      if (away) throw new BusUnavailableError('no broker connection within 5000 ms');
      published.push({ contract, message });
    },
  };
  const idleMs = (options.idleMinutes ?? 30) * 60_000;
  const { context, counter } = wireWebContext({
    store,
    bus,
    deadLetters: options.deadLetters ?? {
      defaultLimit: 50,
      maxLimit: 200,
      peek: async () => ({ total: 0, deadLetters: [] }),
    },
    logger: testLogger('web-test'),
    urls: apis.urls,
    queryTimeoutMs: 1_000,
    signingKey: staff.signingKey,
    passwordCost: TEST_PASSWORD_COST,
    sessionIdleMs: idleMs,
    failedSignInsPerAccount: options.perAccount ?? 5,
    now,
    feed,
    heartbeatMs: 200,
  });
  await context.accounts.create({ ...STAFF, role: 'clinic_staff' });
  await context.accounts.create({ ...ADMIN, role: 'admin' });
  const app = await buildWebApp({
    context,
    counter,
    health: {
      store: () => store.health(),
      bus: () => ({ ok: true, publisher: true, consumers: {} }),
    },
    sessionSecret: 'a-test-session-secret-of-enough-length-0123',
    sessionIdleMs: idleMs,
    secure: false,
    trustedProxyHops: 0,
    signInAttemptsPerAddress: options.perAddress ?? 30,
    cacheViews: true,
  });
  await app.ready();
  return {
    app,
    context,
    apis,
    staff,
    published,
    feed,
    brokerAway: (value) => (away = value),
    advance: (ms) => (offset += ms),
    async stop() {
      await app.close();
      await apis.stop();
      await store.connection.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
}

export async function stopMongo(): Promise<void> {
  await mongo?.stop();
  mongo = undefined;
}

/** The text of a page without its tags and scripts, whitespace collapsed: what a person reads. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The value of a hidden field in a page (`_csrf`, `commandId`), as a browser would send it back. */
export function fieldOf(html: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return match?.[1]?.replace(/&amp;/g, '&');
}

/**
 * A person using web through `inject`, keeping cookies as a browser does and sending forms back
 * with the CSRF token of the last page it saw.
 */
export class Visitor {
  private cookies = new Map<string, string>();
  lastPage = '';

  /** `address`: the client's IP address, as the sign-in limits see it. */
  constructor(
    private readonly web: WebUnderTest,
    private readonly address = '127.0.0.1',
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as Array<{
      name: string;
      value: string;
      maxAge?: number;
      expires?: Date;
    }>) {
      const cleared =
        cookie.value === '' || (cookie.expires && cookie.expires.getTime() <= Date.now());
      if (cleared) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    if (String(response.headers['content-type'] ?? '').startsWith('text/html'))
      this.lastPage = response.body;
    return response;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.keep(
      await this.web.app.inject({
        method: 'GET',
        url,
        headers: { cookie: this.cookieHeader, ...headers },
      }),
    );
  }

  /** Posts a form; `_csrf` comes from the last page seen unless the form gives its own. */
  /** The action of the header's sign-out form (its CSRF token is in the query string). */
  get signOutAction(): string {
    const match = /class="nhsuk-header__account-form" action="([^"]+)"/.exec(this.lastPage);
    if (!match?.[1]) throw new Error('no sign-out form on the last page');
    return match[1].replace(/&amp;/g, '&');
  }

  async post(url: string, form: Record<string, string> = {}) {
    const csrf = fieldOf(this.lastPage, '_csrf');
    const body = new URLSearchParams({ ...(csrf !== undefined && { _csrf: csrf }), ...form });
    return this.keep(
      await this.web.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.address,
        headers: { cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }

  async signIn(who: { username: string; password: string }) {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', {
      username: who.username,
      password: who.password,
    });
    if (response.statusCode !== 303) throw new Error(`sign-in failed: ${response.statusCode}`);
    return response;
  }
}

export { TODAY };
