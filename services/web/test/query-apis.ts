import type { AppointmentState, StaffActionName } from '@mbs/contracts';
import { requireStaff } from '@mbs/http';
import type { PublicJwks, StaffAudience, StaffIdentity } from '@mbs/trust';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * Stand-ins for the three query APIs web reads (appointment, relay-dispatcher, fhir-builder),
 * answering in their documented forms from data a test can change, and able to go down. Like the
 * real ones, each lets in only a request with web's staff token for it, verified with web's
 * public keys (@mbs/http's requireStaff), and remembers who each came from. The browser suite
 * runs web against the real services; these keep the route tests about web.
 */
export interface Row {
  appointmentId: string;
  startsAt: string;
  endsAt: string;
  state: AppointmentState;
  staffActions: StaffActionName[];
  accessionNumber: string;
  participant: {
    participantId: string;
    nhsNumber: string;
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    sex: 'female';
  } | null;
}

const actionsFor: Record<AppointmentState, StaffActionName[]> = {
  booked: ['check_in', 'cancel', 'mark_did_not_attend'],
  checked_in: ['send_to_modality', 'cancel'],
  sent_to_modality: ['withdraw_send'],
  with_modality: [],
  screened: [],
  cancelled: [],
  did_not_attend: [],
};

export const TODAY = '2026-12-04';

const setting = {
  settingId: 'setting-leeds',
  name: "Leeds St James's Breast Screening Unit",
  odsCode: 'RR8',
  kind: 'static',
  address: "St James's University Hospital, Beckett Street, Leeds LS9 7TF",
};

const clinic = {
  clinicId: 'clinic-leeds-am',
  settingId: 'setting-leeds',
  date: TODAY,
  session: 'morning',
  type: 'screening',
  status: 'in_progress',
  startsAt: `${TODAY}T09:00:00.000Z`,
  endsAt: `${TODAY}T12:00:00.000Z`,
};

function row(
  n: number,
  state: AppointmentState,
  nhsNumber: string,
  givenName: string,
  familyName: string,
): Row {
  const start = new Date(Date.parse(clinic.startsAt) + (n - 1) * 20 * 60_000);
  return {
    appointmentId: `apt-leeds-am-0${n}`,
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 20 * 60_000).toISOString(),
    state,
    staffActions: actionsFor[state],
    accessionNumber: `MBSTEST00000000${n}`,
    participant: {
      participantId: `participant-${nhsNumber}`,
      nhsNumber,
      givenName,
      familyName,
      dateOfBirth: '1966-03-15',
      sex: 'female',
    },
  };
}

export function queryApiData() {
  return {
    rows: [
      row(1, 'screened', '9990000026', 'Margaret', 'Chen'),
      row(2, 'checked_in', '9990000018', 'Janet', 'Thompson'),
      row(3, 'booked', '9990000034', 'Susan', 'Patel'),
      row(4, 'sent_to_modality', '9990000042', 'Linda', 'Okafor'),
    ],
    /** An enabled destination for the clinic's setting, or none. */
    destination: {
      destinationId: 'dest-leeds-ris',
      settingId: 'setting-leeds',
      name: 'Leeds RIS (FHIR R4)',
      messageType: 'fhir-r4',
      gatewayId: 'gateway-local',
      target: 'ris-fhir',
      enabled: true,
    } as Record<string, unknown> | undefined,
    messages: [] as Array<Record<string, unknown>>,
    /** Who each request came from, as its verified token says, by the service it reached. */
    callers: [] as Array<StaffIdentity & { audience: StaffAudience; url: string }>,
  };
}

export interface QueryApis {
  readonly urls: { appointment: string; dispatcher: string; fhirBuilder: string };
  readonly data: ReturnType<typeof queryApiData>;
  /** Stops answering (the port is closed), as a service that is down. */
  down(which: 'appointment' | 'dispatcher' | 'fhirBuilder'): Promise<void>;
  stop(): Promise<void>;
}

/** A stand-in that, like the real service, answers only web's staff tokens for `audience`. */
function staffOnly(
  audience: StaffAudience,
  keys: PublicJwks,
  data: ReturnType<typeof queryApiData>,
) {
  // A page that fails on one read leaves its other reads running (they start once their token is
  // signed): closing must not wait for them, or a test's teardown can hang on one.
  const app = Fastify({ forceCloseConnections: true });
  app.addHook('onRequest', requireStaff('clinic_staff', { audience, keys }));
  app.addHook('onRequest', async (request) => {
    data.callers.push({ ...request.staff!, audience, url: request.url });
  });
  return app;
}

/** The stand-ins, taking web's tokens as `keys` (web's public keys) verify them. */
export async function startQueryApis(keys: PublicJwks): Promise<QueryApis> {
  const data = queryApiData();
  const detail = (r: Row) => ({
    ...r,
    clinicId: clinic.clinicId,
    settingId: clinic.settingId,
    clinic,
    setting,
    history: [
      {
        from: 'booked',
        to: r.state,
        at: `${TODAY}T08:55:00.000Z`,
        by: { userId: 'ada', name: 'Ada Radiographer' },
        causedBy: `cmd-${r.appointmentId}`,
        cause: 'appointment.check-in',
      },
    ],
  });

  const appointment = staffOnly('appointment', keys, data);
  appointment.get('/settings', async () => ({ settings: [setting] }));
  appointment.get('/clinics', async (request) => {
    const { from, to, status } = request.query as { from: string; to: string; status?: string };
    const summary = {
      ...clinic,
      appointments: {
        total: data.rows.length,
        byState: Object.fromEntries(
          Object.keys(actionsFor).map((s) => [s, data.rows.filter((r) => r.state === s).length]),
        ),
      },
    };
    const inRange =
      clinic.date >= from && clinic.date <= to && (!status || status === clinic.status);
    return { from, to, clinics: inRange ? [summary] : [] };
  });
  appointment.get('/clinics/:clinicId/appointments', async (request, reply) => {
    const { clinicId } = request.params as { clinicId: string };
    if (clinicId !== clinic.clinicId)
      return reply
        .code(404)
        .send({ error: 'not_found', message: `No clinic with id "${clinicId}"` });
    return { clinic, appointments: data.rows };
  });
  appointment.get('/appointments/:appointmentId', async (request, reply) => {
    const { appointmentId } = request.params as { appointmentId: string };
    const found = data.rows.find((r) => r.appointmentId === appointmentId);
    if (!found)
      return reply
        .code(404)
        .send({ error: 'not_found', message: `No appointment with id "${appointmentId}"` });
    return detail(found);
  });

  const dispatcher = staffOnly('relay-dispatcher', keys, data);
  dispatcher.get('/messages', async (request) => {
    const { appointmentId } = request.query as { appointmentId?: string };
    return { messages: data.messages.filter((m) => m.appointmentId === appointmentId) };
  });
  dispatcher.get('/messages/:messageId', async (request, reply) => {
    const found = data.messages.find(
      (m) => m.messageId === (request.params as { messageId: string }).messageId,
    );
    return found ?? reply.code(404).send({ error: 'not_found', message: 'No message' });
  });

  const fhirBuilder = staffOnly('fhir-builder', keys, data);
  fhirBuilder.get('/destinations', async () => ({
    destinations: data.destination ? [data.destination] : [],
  }));

  const servers: Record<'appointment' | 'dispatcher' | 'fhirBuilder', FastifyInstance> = {
    appointment,
    dispatcher,
    fhirBuilder,
  };
  const urls = {
    appointment: await appointment.listen({ host: '127.0.0.1', port: 0 }),
    dispatcher: await dispatcher.listen({ host: '127.0.0.1', port: 0 }),
    fhirBuilder: await fhirBuilder.listen({ host: '127.0.0.1', port: 0 }),
  };
  return {
    urls,
    data,
    down: (which) => servers[which].close(),
    async stop() {
      await Promise.all(Object.values(servers).map((s) => s.close()));
    },
  };
}

/** A message as relay-dispatcher's `GET /messages/:id` shows it. */
export function dispatcherMessage(appointmentId: string, overrides: Record<string, unknown> = {}) {
  return {
    messageId: `msg-${appointmentId}`,
    appointmentId,
    accessionNumber: 'MBSTEST000000002',
    destinationId: 'dest-leeds-ris',
    gatewayId: 'gateway-local',
    messageType: 'fhir-r4',
    target: 'ris-fhir',
    status: 'failed',
    attempts: 1,
    resends: 0,
    nextAttemptAt: null,
    lastError: {
      phase: 'destination_rejected',
      reason: 'ris-fhir answered 422: Unknown patient',
      at: `${TODAY}T09:31:00.000Z`,
    },
    createdAt: `${TODAY}T09:30:00.000Z`,
    sentAt: `${TODAY}T09:30:00.100Z`,
    deliveredAt: `${TODAY}T09:30:00.200Z`,
    confirmedAt: null,
    failedAt: `${TODAY}T09:31:00.000Z`,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    contentType: 'application/fhir+json',
    payload: '{}',
    history: [
      { at: `${TODAY}T09:30:00.000Z`, event: 'stored', attempt: 0 },
      { at: `${TODAY}T09:30:00.100Z`, event: 'sent', attempt: 1 },
      { at: `${TODAY}T09:30:00.200Z`, event: 'delivered', attempt: 1 },
      {
        at: `${TODAY}T09:31:00.000Z`,
        event: 'failed',
        attempt: 1,
        detail: 'destination_rejected: ris-fhir answered 422: Unknown patient',
      },
    ],
    ...overrides,
  };
}
