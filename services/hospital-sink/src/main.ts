import { createLogger, stopOnSignals } from '@mbs/telemetry';
import { loadConfig } from '@mbs/config';
import { describeError } from '@mbs/errors';
import { sinkVariables } from './config';
import { buildSink } from './sink-app';

async function main(): Promise<void> {
  const config = loadConfig(sinkVariables);
  const logger = createLogger({ service: 'hospital-sink', level: config.LOG_LEVEL });
  const { app } = await buildSink({ logger, gatewayUrl: config.SINK_GATEWAY_URL });
  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info(
    { host: config.HOST, port: config.PORT, gateway: config.SINK_GATEWAY_URL },
    'hospital sink listening',
  );

  stopOnSignals('hospital sink', logger, async () => {
    await app.close();
  });
}

main().catch((error: unknown) => {
  createLogger({ service: 'hospital-sink' }).fatal(
    { err: describeError(error) },
    'hospital sink failed to start',
  );
  process.exit(1);
});
