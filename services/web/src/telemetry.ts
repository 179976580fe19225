// Imported first by main.ts: tracing must start before http, fastify, amqplib and mongoose load.
import { startTelemetry } from '@mbs/telemetry';

export const telemetry = startTelemetry({ serviceName: 'web', serviceVersion: '0.1.0' });
