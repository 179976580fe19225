import { SendToModality, createMessage } from '@mbs/contracts';
import { randomUUID } from 'node:crypto';
// fhir-builder's own validator, the one that refuses to send an invalid Bundle: what reached the
// hospital must pass it too.
import { validateFhirResource } from '@mbs/fhir-builder';
import { connectStaffBus, sendJson, serviceApi, waitFor } from './system/clients';
import {
  appointment,
  bookedAppointments,
  type AppointmentView,
  gatewayDeliveriesInFlight,
  messageFor,
  messagesFor,
  pointDemoGatewayAtThisRelay,
  receivedBySink,
  setSinkBehaviour,
  waitForMessage,
  waitForState,
} from './system/flow';
import { startSystem, type RunningSystem } from './system/system';

/**
 * The whole system, every part its own process (relay emulator, hospital sink, gateway,
 * appointment, fhir-builder, relay-dispatcher), on the real RabbitMQ and MongoDB (or the stand-in).
 */
describe('send to modality, end to end (every process, real RabbitMQ)', () => {
  let system: RunningSystem;
  let staff: Awaited<ReturnType<typeof connectStaffBus>>;
  let leeds: string[];

  beforeAll(async () => {
    system = await startSystem({
      dispatcher: {
        DISPATCHER_RETRY_LIMIT: '40',
        DISPATCHER_RETRY_BASE_MS: '200',
        DISPATCHER_RETRY_MAX_MS: '1000',
        DISPATCHER_ACK_TIMEOUT_MS: '3000',
        DISPATCHER_CONFIRM_TIMEOUT_MS: '15000',
        DISPATCHER_ECHO_INTERVAL_MS: '1000',
      },
    });
    staff = await connectStaffBus(system);
    await pointDemoGatewayAtThisRelay(system);
    leeds = await bookedAppointments(system, 'setting-leeds');
  }, 180_000);

  afterAll(async () => {
    await staff?.bus.close();
    await system?.stop();
  }, 60_000);

  /** A booked Leeds appointment (FHIR R4 to the sink), checked in as reception would. */
  async function checkedInAppointment() {
    const id = leeds.shift();
    if (!id) throw new Error('no booked Leeds appointment left in the demo data');
    await staff.checkIn(id);
    return waitForState(system, id, 'checked_in');
  }

  const deliveriesOf = async (messageId: string) =>
    (await receivedBySink(system)).filter((r) => r.messageId === messageId);

  it('sends a participant: the hospital gets a valid FHIR Bundle, the message is confirmed, the appointment is with the modality', async () => {
    const { appointmentId, accessionNumber } = await checkedInAppointment();
    await staff.sendToModality(appointmentId);

    const confirmed = await waitForMessage(system, accessionNumber, 'confirmed');
    expect(confirmed.deliveredAt).toEqual(expect.any(String));
    expect(confirmed.confirmedAt).toEqual(expect.any(String));
    expect(Date.parse(confirmed.confirmedAt!)).toBeGreaterThanOrEqual(
      Date.parse(confirmed.deliveredAt!),
    );
    await waitForState(system, appointmentId, 'with_modality');

    const [delivery] = await deliveriesOf(confirmed.messageId);
    expect(delivery?.path).toBe('/fhir');
    expect(delivery?.contentType).toContain('application/fhir+json');
    const bundle = JSON.parse(delivery!.body);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    // Throws PayloadInvalidError listing every problem, which jest then shows.
    expect(() => validateFhirResource(bundle)).not.toThrow();
    const kinds = bundle.entry.map(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType,
    );
    expect(kinds).toEqual(expect.arrayContaining(['Patient', 'ServiceRequest', 'Appointment']));
    const serviceRequest = bundle.entry.find(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType === 'ServiceRequest',
    );
    expect(JSON.stringify(serviceRequest.resource.identifier)).toContain(accessionNumber);
  });

  it('a repeated command changes nothing: one delivery at the hospital', async () => {
    const { appointmentId, accessionNumber } = await checkedInAppointment();
    const commandId = randomUUID();
    await staff.sendToModality(appointmentId, commandId);
    await staff.sendToModality(appointmentId, commandId);
    const confirmed = await waitForMessage(system, accessionNumber, 'confirmed');
    await waitForState(system, appointmentId, 'with_modality');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await deliveriesOf(confirmed.messageId)).toHaveLength(1);
  });

  it("trusts only what web vouched for: APIs need a staff token (health open), changes an admin's, commands web's signature", async () => {
    const health = await fetch(`${system.urls.appointment}/health`);
    expect([health.status, await health.json()]).toEqual([
      200,
      { ok: true, store: { ok: true }, bus: { ok: true } },
    ]);
    for (const url of [
      `${system.urls.appointment}/clinics`,
      `${system.urls.fhirBuilder}/destinations`,
      `${system.urls.dispatcher}/gateways`,
    ]) {
      const anonymous = await fetch(url);
      expect([url, anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([
        url,
        401,
        'Bearer',
      ]);
    }
    await expect(
      serviceApi(system, 'dispatcher', 'clinic_staff').send(
        'POST',
        '/gateways/gateway-local/disable',
      ),
    ).rejects.toThrow(/: 403 .*forbidden/);

    // A command nobody signed (a process with broker access writing requestedBy itself) changes
    // nothing; the signed one after it is taken.
    const forged = await checkedInAppointment();
    const unsigned = createMessage(SendToModality, {
      appointmentId: forged.appointmentId,
      requestedBy: { userId: 'e2e-user', name: 'E2E Radiographer' },
    });
    await staff.bus.publish(SendToModality, unsigned);
    const genuine = await checkedInAppointment();
    await staff.sendToModality(genuine.appointmentId);
    await waitForMessage(system, genuine.accessionNumber, 'confirmed');
    expect((await appointment(system, forged.appointmentId)).state).toBe('checked_in');
    expect(await messageFor(system, forged.accessionNumber)).toBeUndefined();

    // Dead-lettered, and shown to admins by appointment, read with its own broker user, bodiless.
    const deadLetters = serviceApi(system, 'appointment', 'admin');
    const dead = await waitFor(system, 'the unsigned command among the dead letters', async () => {
      const listing = await deadLetters.get<{ deadLetters: Array<{ id: string }> }>(
        '/dead-letters?limit=200',
      );
      return listing.deadLetters.find((entry) => entry.id === unsigned.id);
    });
    expect(dead).toMatchObject({
      failureCode: 'bad_command_signature',
      failedConsumer: 'appointment',
    });
    expect(JSON.stringify(dead)).not.toContain(forged.appointmentId);
    await expect(
      serviceApi(system, 'appointment', 'clinic_staff').get('/dead-letters'),
    ).rejects.toThrow(/: 403 .*forbidden/);
  });

  it('what the modality reports comes back up to the appointment', async () => {
    const { appointmentId, accessionNumber } = await checkedInAppointment();
    await staff.sendToModality(appointmentId);
    await waitForState(system, appointmentId, 'with_modality');
    await sendJson('POST', `${system.urls.sink}/modality/examinations`, {
      accessionNumber,
      event: 'examination_completed',
    });
    await waitForState(system, appointmentId, 'screened');
  });

  it('a destination that rejects the message fails it, with the reason, and the appointment can be sent again', async () => {
    await setSinkBehaviour(system, {
      mode: 'reject',
      status: 422,
      reason: 'Patient demographics do not match the PAS',
    });
    try {
      const { appointmentId, accessionNumber } = await checkedInAppointment();
      await staff.sendToModality(appointmentId);
      const failed = await waitForMessage(system, accessionNumber, 'failed');
      expect(failed.lastError?.phase).toBe('destination_rejected');
      expect(failed.lastError?.reason).toContain('Patient demographics do not match the PAS');
      const back = await waitFor(system, 'the appointment to return to checked_in', async () => {
        const { history, state } = await appointment(system, appointmentId);
        return state === 'checked_in' && history.length > 2 ? { history } : undefined;
      });
      expect(JSON.stringify(back.history)).toContain('Patient demographics do not match the PAS');
    } finally {
      await setSinkBehaviour(system, { mode: 'accept' });
    }
  });

  it('with the gateway stopped the message waits, then goes exactly once when it returns', async () => {
    await system.parts.gateway.stop();
    const { appointmentId, accessionNumber } = await checkedInAppointment();
    await staff.sendToModality(appointmentId);
    const waiting = await waitFor(system, 'the message to wait for the gateway', async () => {
      const message = await messageFor(system, accessionNumber);
      return message && message.status === 'pending' && message.lastError?.phase === 'connect'
        ? message
        : undefined;
    });
    expect(waiting.confirmedAt).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await messageFor(system, accessionNumber))?.status).toBe('pending');

    await system.parts.gateway.start();
    const confirmed = await waitForMessage(system, accessionNumber, 'confirmed', 60_000);
    await waitForState(system, appointmentId, 'with_modality');
    expect(await deliveriesOf(confirmed.messageId)).toHaveLength(1);
  });

  it('the gateway killed while posting to the hospital resumes that delivery when it returns: confirmed once, the hospital may get it twice', async () => {
    // What the gateway guarantees (gateway/src/relay/deliver-handler.ts, delivery/delivery-runner.ts):
    // it records the message by id in its store before it answers `received`, and records the
    // outcome only after the hospital has answered. A crash between the two leaves the message
    // `received`; the next start resumes it and posts it again with the same x-message-id. So the
    // hospital gets it at least once (here twice, since it took the interrupted POST), never more
    // than once per interrupted attempt, and upstream there is exactly one outcome.
    // The gateway must be killed while this POST is held open. Ten seconds, not four: between
    // seeing it in flight and the kill, a loaded machine can lose seconds, and a POST that
    // finished first leaves nothing to resume.
    const delayMs = 10_000;
    await setSinkBehaviour(system, { mode: 'accept', delayMs });
    try {
      const { appointmentId, accessionNumber } = await checkedInAppointment();
      await staff.sendToModality(appointmentId);
      // The receipt came back (recorded by the gateway), and its POST is waiting on the hospital.
      const { messageId } = await waitForMessage(system, accessionNumber, 'delivered');
      await waitFor(
        system,
        'the gateway to be posting to the hospital',
        async () => (await gatewayDeliveriesInFlight(system)) === 1,
      );
      expect(await deliveriesOf(messageId)).toHaveLength(0);
      await system.parts.gateway.kill();
      expect((await messageFor(system, accessionNumber))?.status).toBe('delivered');

      // The hospital still takes the interrupted POST; its answer goes to a connection now gone.
      await waitFor(
        system,
        'the hospital to take the interrupted POST',
        async () => (await deliveriesOf(messageId)).length === 1,
        delayMs + 10_000,
      );
      await setSinkBehaviour(system, { mode: 'accept' });
      await system.parts.gateway.start();

      await waitForMessage(system, accessionNumber, 'confirmed', 60_000);
      const done = await waitForState(system, appointmentId, 'with_modality');
      const resumed = system.parts.gateway
        .linesSinceStart()
        .find((line) => line.includes('resuming deliveries interrupted by the last stop'));
      expect(resumed && JSON.parse(resumed)).toMatchObject({ resumed: 1 });
      await waitFor(
        system,
        'the gateway to finish posting',
        async () => (await gatewayDeliveriesInFlight(system)) === 0,
      );
      const deliveries = await deliveriesOf(messageId);
      expect(deliveries).toHaveLength(2);
      expect(deliveries[0]!.body).toBe(deliveries[1]!.body);
      expect(done.history.filter((h) => h.to === 'with_modality')).toHaveLength(1);
    } finally {
      await setSinkBehaviour(system, { mode: 'accept' });
    }
  });

  it('the dispatcher killed mid-batch loses nothing and delivers nothing twice', async () => {
    const batch: AppointmentView[] = [];
    for (let i = 0; i < 10; i++) batch.push(await checkedInAppointment());
    const accessions = batch.map((a) => a.accessionNumber);
    // A slow hospital holds every delivery open for seconds: no message can be confirmed in the
    // moment between looking at the batch and killing the dispatcher.
    await setSinkBehaviour(system, { mode: 'accept', delayMs: 3_000 });
    try {
      for (const { appointmentId } of batch) await staff.sendToModality(appointmentId);
      const atKill = await waitFor(system, 'part of the batch to be stored', async () => {
        const stored = await messagesFor(system, accessions);
        return stored.length > 0 ? stored : undefined;
      });
      await system.parts['relay-dispatcher'].kill();
      expect(atKill.length).toBeGreaterThan(0);
      expect(atKill.filter((m) => m.status === 'confirmed')).toEqual([]);

      await setSinkBehaviour(system, { mode: 'accept' });
      await system.parts['relay-dispatcher'].start();
      for (const { appointmentId, accessionNumber } of batch) {
        await waitForMessage(system, accessionNumber, 'confirmed', 60_000);
        await waitForState(system, appointmentId, 'with_modality');
      }
      // A second POST would come from the gateway: once it has none in progress, the count is final.
      await waitFor(
        system,
        'the gateway to finish posting',
        async () => (await gatewayDeliveriesInFlight(system)) === 0,
      );
      const messages = await messagesFor(system, accessions);
      expect(messages).toHaveLength(batch.length);
      for (const { messageId } of messages) expect(await deliveriesOf(messageId)).toHaveLength(1);
    } finally {
      await setSinkBehaviour(system, { mode: 'accept' });
    }
  });
});
