import { getJson, sendJson, serviceApi, waitFor } from './clients';
import type { RunningSystem } from './system';

export interface AppointmentView {
  appointmentId: string;
  state: string;
  accessionNumber: string;
  settingId: string;
  history: Array<{ from: string; to: string; at: string; reason?: string }>;
}
export interface MessageView {
  messageId: string;
  accessionNumber: string;
  status: string;
  attempts: number;
  deliveredAt: string | null;
  confirmedAt: string | null;
  lastError: { phase: string; reason: string } | null;
}
export interface ReceivedView {
  messageId?: string;
  contentType?: string;
  body: string;
  path: string;
}

export const appointment = (system: RunningSystem, id: string) =>
  serviceApi(system, 'appointment').get<AppointmentView>(`/appointments/${id}`);

/**
 * Booked appointments of a setting's clinics: the pool the tests check in and send. Without a
 * range, the clinics API's default (today and the coming week).
 */
export async function bookedAppointments(
  system: RunningSystem,
  settingId: string,
  range?: { readonly from: string; readonly to: string },
): Promise<string[]> {
  const dates = range ? `&from=${range.from}&to=${range.to}` : '';
  const api = serviceApi(system, 'appointment');
  const { clinics } = await api.get<{ clinics: Array<{ clinicId: string; date: string }> }>(
    `/clinics?settingId=${settingId}${dates}`,
  );
  const ids: string[] = [];
  for (const clinic of clinics) {
    const { appointments } = await api.get<{
      appointments: Array<{ appointmentId: string; state: string }>;
    }>(`/clinics/${clinic.clinicId}/appointments`);
    ids.push(...appointments.filter((a) => a.state === 'booked').map((a) => a.appointmentId));
  }
  return ids;
}

export async function waitForState(
  system: RunningSystem,
  id: string,
  state: string,
  timeoutMs = 30_000,
) {
  return waitFor(
    system,
    `appointment ${id} to be ${state}`,
    async () => {
      const found = await appointment(system, id);
      return found.state === state ? found : undefined;
    },
    timeoutMs,
  );
}

export async function messageFor(
  system: RunningSystem,
  accessionNumber: string,
): Promise<MessageView | undefined> {
  const { messages } = await serviceApi(system, 'dispatcher').get<{ messages: MessageView[] }>(
    `/messages?accession=${encodeURIComponent(accessionNumber)}`,
  );
  return messages[0];
}

/** The dispatcher's messages for these accession numbers (those it has stored so far). */
export async function messagesFor(
  system: RunningSystem,
  accessionNumbers: readonly string[],
): Promise<MessageView[]> {
  const { messages } = await serviceApi(system, 'dispatcher').get<{ messages: MessageView[] }>(
    '/messages?limit=500',
  );
  return messages.filter((m) => accessionNumbers.includes(m.accessionNumber));
}

export async function waitForMessage(
  system: RunningSystem,
  accessionNumber: string,
  status: string,
  timeoutMs = 30_000,
): Promise<MessageView> {
  return waitFor(
    system,
    `the message for ${accessionNumber} to be ${status}`,
    async () => {
      const message = await messageFor(system, accessionNumber);
      return message?.status === status ? message : undefined;
    },
    timeoutMs,
  );
}

export async function receivedBySink(system: RunningSystem): Promise<ReceivedView[]> {
  return (await getJson<{ received: ReceivedView[] }>(`${system.urls.sink}/received`)).received;
}

/** How the hospital sink answers deliveries from now on (see hospital-sink's Behaviour). */
export interface SinkBehaviour {
  mode: 'accept' | 'reject';
  status?: number;
  delayMs?: number;
  reason?: string;
}

export async function setSinkBehaviour(
  system: RunningSystem,
  behaviour: SinkBehaviour,
): Promise<void> {
  await sendJson('POST', `${system.urls.sink}/behaviour`, behaviour);
}

/** Deliveries the gateway has in progress to the hospital (its GET /health, read even when 503). */
export async function gatewayDeliveriesInFlight(system: RunningSystem): Promise<number> {
  const response = await fetch(`${system.urls.gateway}/health`);
  return ((await response.json()) as { deliveriesInFlight: number }).deliveriesInFlight;
}

/** As an admin: changing a gateway is an admin's (the dispatcher refuses clinic staff). */
export async function pointDemoGatewayAtThisRelay(system: RunningSystem): Promise<void> {
  const dispatcher = serviceApi(system, 'dispatcher', 'admin');
  await dispatcher.send('PATCH', '/gateways/gateway-local', {
    relayEndpoint: system.relayEndpoint,
  });
  await waitFor(system, 'the dispatcher to reach the gateway', async () => {
    const gateway = await dispatcher.get<{ health: { state: string } }>('/gateways/gateway-local');
    return gateway.health.state === 'online' ? gateway : undefined;
  });
}
