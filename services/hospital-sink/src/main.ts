import { createLogger } from '@mbs/telemetry';
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

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'hospital sink stopping');
    app.close().then(
      () => {
        logger.info('hospital sink stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: describeError(error) }, 'hospital sink did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  createLogger({ service: 'hospital-sink' }).fatal(
    { err: describeError(error) },
    'hospital sink failed to start',
  );
  process.exit(1);
});
