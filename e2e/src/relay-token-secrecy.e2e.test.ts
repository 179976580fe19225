import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectStaffBus } from './system/clients';
import {
  bookedAppointments,
  pointDemoGatewayAtThisRelay,
  waitForMessage,
  waitForState,
} from './system/flow';
import { startSystem, type RunningSystem } from './system/system';

/** An OTLP/HTTP receiver in the test: every span every part exports, as the JSON it sent. */
async function startCollector() {
  const bodies: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    text: () => bodies.join('\n'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A relay SAS token is a bearer credential valid for an hour: it must never reach a trace
 * backend or a log. This sends an order through every process with tracing exported to a
 * collector in the test, then looks for any part of a token in everything exported and logged.
 */
describe('relay tokens stay out of traces and logs (every process, real RabbitMQ)', () => {
  let system: RunningSystem;
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
    system = await startSystem({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        // Export spans as soon as they end, so the test need not wait for a batch.
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      dispatcher: { DISPATCHER_ECHO_INTERVAL_MS: '1000' },
    });
    await pointDemoGatewayAtThisRelay(system);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await collector?.close();
  }, 60_000);

  it('sends an order, and no token, signature or key appears in any span or log line', async () => {
    const staff = await connectStaffBus(system);
    try {
      const [id] = await bookedAppointments(system, 'setting-leeds');
      await staff.checkIn(id!);
      const { accessionNumber } = await waitForState(system, id!, 'checked_in');
      await staff.sendToModality(id!);
      await waitForMessage(system, accessionNumber, 'confirmed');
    } finally {
      await staff.bus.close();
    }
    // The relay's WebSocket handshakes were traced (so finding nothing means something).
    const deadline = Date.now() + 15_000;
    while (!collector.text().includes('$hc/gateway-local')) {
      if (Date.now() > deadline) throw new Error('no span of a relay handshake was exported');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const everything = `${collector.text()}\n${system.logs()}`;
    for (const secret of [
      /sb-hc-token=(?!REDACTED)/i,
      /SharedAccessSignature/,
      /[?&\s]sig=/i,
      /sig%3D/i,
      /dev-(send|listen|manage)-key-not-secret/,
    ]) {
      expect({ secret: String(secret), found: everything.match(secret)?.[0] }).toEqual({
        secret: String(secret),
        found: undefined,
      });
    }
  });
});
