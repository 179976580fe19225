import { beginProcess } from '@mbs/telemetry';
// First, before the imports below: telemetry starts here, so its tracing patches http as it
// loads.
const emulator = beginProcess({ name: 'relay emulator', service: 'relay-emulator' });

import { appendFileSync } from 'node:fs';
import { loadConfig } from '@mbs/config';
import { emulatorVariables, entitiesFrom } from './emulator-config';
import { createRelayEmulator, type RelayedFrame } from './server';

emulator.run({
  config: () => loadConfig(emulatorVariables),
  start: async ({ config, logger }) => {
    const entities = entitiesFrom(config.RELAY_EMULATOR_ENTITIES);
    const relay = await createRelayEmulator({
      port: config.RELAY_EMULATOR_PORT,
      host: config.RELAY_EMULATOR_HOST,
      entities,
      logger,
      rendezvousTtlMs: config.RELAY_EMULATOR_RENDEZVOUS_TTL_MS,
      httpResponseTimeoutMs: config.RELAY_EMULATOR_HTTP_TIMEOUT_MS,
      heartbeatIntervalMs: config.RELAY_EMULATOR_HEARTBEAT_MS,
      // Tests only: what the relay carries, for a suite to search (e2e: nothing readable in it).
      ...(config.RELAY_EMULATOR_TAP_FILE && {
        onRelayedFrame: (frame: RelayedFrame) =>
          appendFileSync(config.RELAY_EMULATOR_TAP_FILE!, `${JSON.stringify(frame)}\n`, {
            mode: 0o600,
          }),
      }),
    });
    return {
      listening: {
        endpoint: relay.url,
        ...(config.RELAY_EMULATOR_TAP_FILE && { tappedTo: config.RELAY_EMULATOR_TAP_FILE }),
        hybridConnections: entities.map((entity) => ({
          path: entity.path,
          keys: entity.keys.map((key) => ({ name: key.name, rights: key.rights })),
        })),
      },
      stop: () => relay.close(),
    };
  },
});
