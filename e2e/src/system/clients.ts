import { Bus } from '@mbs/bus';
import { CheckIn, SendToModality, createMessage } from '@mbs/contracts';
import { createLogger } from '@mbs/telemetry';
import type { RunningSystem } from './system';

export async function getJson<T = unknown>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function sendJson<T = unknown>(
  method: 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Polls `probe` until it returns a value, or fails naming `what` and showing the parts' logs. */
export async function waitFor<T>(
  system: RunningSystem,
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}\n${system.logs()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Staff's "Send to modality": the same command the web service publishes, as web's own broker
 * user, the only one allowed to publish staff commands.
 */
export async function connectStaffBus(system: RunningSystem) {
  const bus = await Bus.connect({
    url: system.brokerUrls.web,
    namespace: system.namespace,
    service: 'e2e-staff',
    logger: createLogger({ service: 'e2e', level: 'silent' }),
  });
  return {
    bus,
    async sendToModality(appointmentId: string, commandId?: string) {
      const command = createMessage(
        SendToModality,
        { appointmentId, requestedBy: { userId: 'e2e-user', name: 'E2E Radiographer' } },
        commandId ? { id: commandId } : {},
      );
      await bus.publish(SendToModality, command);
      return command;
    },
    async checkIn(appointmentId: string) {
      await bus.publish(
        CheckIn,
        createMessage(CheckIn, {
          appointmentId,
          requestedBy: { userId: 'e2e-user', name: 'E2E Receptionist' },
        }),
      );
    },
  };
}

/**
 * The harness's own bus, as the broker's administrator: it is no part of the system, and it
 * listens to what the system announces on a queue of its own (the bench's outcomes).
 */
export function connectObserverBus(system: RunningSystem): Promise<Bus> {
  return Bus.connect({
    url: system.amqpUrl,
    namespace: system.namespace,
    service: 'e2e-observer',
    logger: createLogger({ service: 'e2e', level: 'silent' }),
  });
}
