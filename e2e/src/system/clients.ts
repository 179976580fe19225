import { Bus } from '@mbs/bus';
import { CheckIn, SendToModality, type StaffRole } from '@mbs/contracts';
import { createLogger } from '@mbs/telemetry';
import { signStaffCommand, type StaffAudience } from '@mbs/trust';
import type { RunningSystem } from './system';

type Headers = Readonly<Record<string, string>>;

export async function getJson<T = unknown>(url: string, headers: Headers = {}): Promise<T> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function sendJson<T = unknown>(
  method: 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Headers = {},
): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The services whose APIs are for members of staff, by the name `RunningSystem.urls` uses. */
export type StaffService = 'appointment' | 'fhirBuilder' | 'dispatcher';
const audienceOf: Readonly<Record<StaffService, StaffAudience>> = {
  appointment: 'appointment',
  fhirBuilder: 'fhir-builder',
  dispatcher: 'relay-dispatcher',
};

/**
 * A service's API as the e2e member of staff of `role` (clinic staff to read, an admin to change
 * gateways and destinations), with a staff token signed by the development key, as web calls it
 * for a signed-in person.
 */
export function serviceApi(
  system: RunningSystem,
  service: StaffService,
  role: StaffRole = 'clinic_staff',
) {
  const headers = async () => ({
    authorization: `Bearer ${await system.staffToken(audienceOf[service], role)}`,
  });
  return {
    get: async <T = unknown>(path: string) =>
      getJson<T>(`${system.urls[service]}${path}`, await headers()),
    send: async <T = unknown>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
      sendJson<T>(method, `${system.urls[service]}${path}`, body, await headers()),
  };
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
  // Signed as web signs a signed-in person's commands: appointment acts on nothing else.
  const signingKey = system.keys.web.privateKey;
  return {
    bus,
    async sendToModality(appointmentId: string, commandId?: string) {
      const command = await signStaffCommand(
        SendToModality,
        { appointmentId, requestedBy: { userId: 'e2e-user', name: 'E2E Radiographer' } },
        { signingKey, ...(commandId && { id: commandId }) },
      );
      await bus.publish(SendToModality, command);
      return command;
    },
    async checkIn(appointmentId: string) {
      await bus.publish(
        CheckIn,
        await signStaffCommand(
          CheckIn,
          { appointmentId, requestedBy: { userId: 'e2e-user', name: 'E2E Receptionist' } },
          { signingKey },
        ),
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
