import { beginProcess } from '@mbs/telemetry';
// First, before the imports below: telemetry starts here, so its tracing patches http and
// fastify as they load.
const sink = beginProcess({ name: 'hospital sink', service: 'hospital-sink' });

import { loadConfig } from '@mbs/config';
import { sinkVariables } from './config';
import { buildSink } from './sink-app';

sink.run({
  config: () => loadConfig(sinkVariables),
  start: async ({ config, logger }) => {
    const { app } = await buildSink({
      logger,
      gatewayUrl: config.SINK_GATEWAY_URL,
      gatewayToken: config.SINK_GATEWAY_TOKEN,
    });
    await app.listen({ host: config.HOST, port: config.PORT });
    return {
      listening: { host: config.HOST, port: config.PORT, gateway: config.SINK_GATEWAY_URL },
      stop: () => app.close(),
    };
  },
});
