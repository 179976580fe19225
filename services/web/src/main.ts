import { beginProcess } from '@mbs/telemetry';
// First, before the imports below: telemetry starts here, so its tracing patches http, fastify,
// amqplib and mongoose as they load.
const web = beginProcess({ name: 'web', service: 'web' });

import { brokerSettings, Bus } from '@mbs/bus';
import { loadConfig } from '@mbs/config';
import { connectStore } from '@mbs/store';
import { createFirstAdmin, seedDemoAccounts } from './accounts';
import { buildWebApp } from './app';
import { webVariables } from './config';
import { CONSUMER, startLiveUpdates } from './live/live-relay';
import { wireWebContext } from './wiring';

web.run({
  config: () => loadConfig(webVariables),
  start: async ({ config, logger }) => {
    const production = process.env.NODE_ENV === 'production';
    const store = await connectStore({
      url: config.MONGODB_URL,
      dbName: config.WEB_DB_NAME,
      logger,
    });
    const bus = await Bus.connect({
      ...brokerSettings(config),
      service: 'web',
      logger,
      // A click waits this long for the broker before the person is told it was not sent.
      publishTimeoutMs: config.WEB_PUBLISH_TIMEOUT_MS,
    });
    const sessionIdleMs = config.WEB_SESSION_IDLE_MINUTES * 60_000;
    const { context, counter } = wireWebContext({
      store,
      bus,
      deadLetters: bus.deadLetters(CONSUMER),
      logger,
      urls: {
        appointment: config.APPOINTMENT_URL,
        fhirBuilder: config.FHIR_BUILDER_URL,
        dispatcher: config.DISPATCHER_URL,
      },
      queryTimeoutMs: config.WEB_QUERY_TIMEOUT_MS,
      signingKey: config.WEB_SIGNING_KEY,
      passwordCost: {
        memoryKiB: config.WEB_PASSWORD_HASH_MEMORY_KIB,
        iterations: config.WEB_PASSWORD_HASH_ITERATIONS,
      },
      sessionIdleMs,
      failedSignInsPerAccount: config.WEB_SIGN_IN_ATTEMPTS_PER_ACCOUNT,
    });
    await createFirstAdmin(
      context.accounts,
      {
        username: config.WEB_ADMIN_USERNAME,
        name: config.WEB_ADMIN_NAME,
        password: config.WEB_ADMIN_PASSWORD,
      },
      logger,
    );
    // Its password is public: never in production, whatever SEED_DEMO_DATA says.
    if (config.SEED_DEMO_DATA && !production) await seedDemoAccounts(context.accounts, logger);
    await startLiveUpdates({ bus, rejections: context.rejections, feed: context.feed });

    const app = await buildWebApp({
      context,
      counter,
      health: { store: () => store.health(), bus: () => bus.health() },
      sessionSecret: config.WEB_SESSION_SECRET,
      sessionIdleMs,
      secure: new URL(config.WEB_PUBLIC_URL).protocol === 'https:',
      trustedProxyHops: config.WEB_TRUSTED_PROXY_HOPS,
      signInAttemptsPerAddress: config.WEB_SIGN_IN_ATTEMPTS_PER_ADDRESS,
      cacheViews: production,
    });
    const address = await app.listen({ host: config.HOST, port: config.PORT });
    return {
      listening: { address, publicUrl: config.WEB_PUBLIC_URL },
      // The HTTP server first (no new clicks; open live streams end), then the bus, then the
      // store.
      stop: async () => {
        await app.close();
        await bus.close();
        await store.close();
      },
    };
  },
});
