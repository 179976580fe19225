import { Bus, Header, on } from '@mbs/bus';
import {
  AppointmentCommandRejected,
  AppointmentSentToModality,
  AppointmentStateChanged,
  CancelAppointment,
  CheckIn,
  MarkDidNotAttend,
  MessageConfirmed,
  MessageDelivered,
  MessageFailed,
  ModalityEventReported,
  SendToModality,
  WithdrawSend,
  createMessage,
  type AnyContract,
  type MessageOf,
} from '@mbs/contracts';
import { connectStore, type Store } from '@mbs/store';
import {
  deleteNamespace,
  testStaffKeys,
  uniqueName,
  useMongoDb,
  useRabbitMq,
  type TestStaffKeys,
} from '@mbs/testing';
import { signStaffCommand, type SignStaffCommandOptions } from '@mbs/trust';
import {
  eventually,
  givenAppointment,
  openProbe,
  quietLogger,
  sleep,
  stateOf,
} from '../test/support';
import { rejectedEventId, sentEventId, stateChangedId } from './handlers';
import { CONSUMER, startAppointmentService } from './service';
import type { Models } from './store/models';

type Sent = MessageOf<typeof AppointmentSentToModality>;
type Changed = MessageOf<typeof AppointmentStateChanged>;
type Rejected = MessageOf<typeof AppointmentCommandRejected>;

const ada = { userId: 'u-ada', name: 'Ada Radiographer' };

describe('appointment service (real RabbitMQ, MongoDB from @mbs/testing)', () => {
  const broker = useRabbitMq();
  const mongo = useMongoDb({ dbPrefix: 'appointment_service' });
  const namespace = uniqueName('appointment');
  let store: Store;
  let bus: Bus;
  let models: Models;
  let probe: Awaited<ReturnType<typeof openProbe>>;
  let staff: TestStaffKeys;
  const sent: Sent[] = [];
  const changed: Changed[] = [];
  const rejected: Rejected[] = [];

  beforeAll(async () => {
    const logger = quietLogger();
    staff = await testStaffKeys();
    store = await connectStore({ url: mongo.current.url, dbName: mongo.current.dbName, logger });
    bus = await Bus.connect({
      url: broker.current.url,
      service: 'appointment-test',
      namespace,
      logger,
    });
    ({ models } = await startAppointmentService({
      bus,
      store,
      logger,
      staffKeys: staff.keys,
      retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
    }));
    // What the rest of the system sees: fhir-builder takes "sent", web takes "state changed"
    // and "command rejected".
    await bus.subscribe('observer', [
      on(AppointmentSentToModality, async (event) => void sent.push(event)),
      on(AppointmentStateChanged, async (event) => void changed.push(event)),
      on(AppointmentCommandRejected, async (event) => void rejected.push(event)),
    ]);
    probe = await openProbe(broker.current.url);
  });

  afterAll(async () => {
    await bus?.close(2_000);
    await probe?.close();
    await store?.close();
    await deleteNamespace(broker.current.url, namespace);
  });

  const sentFor = (appointmentId: string) =>
    sent.filter((e) => e.data.appointmentId === appointmentId);
  const changesFor = (appointmentId: string) =>
    changed.filter((e) => e.data.appointmentId === appointmentId);
  const rejectionsOf = (commandId: string) =>
    rejected.filter((e) => e.data.commandId === commandId);
  const deadLetters = () => bus.names.deadLetterQueue(CONSUMER);

  /** The rejection a refused command publishes, once it has arrived. */
  const rejectionOf = async (commandId: string) => {
    const [event] = await eventually(
      () => rejectionsOf(commandId).length > 0 && rejectionsOf(commandId),
      `the rejection of ${commandId}`,
    );
    return event!;
  };

  /** A staff command as web sends it: requestedBy signed with web's key. */
  const signed = <C extends AnyContract>(
    contract: C,
    data: Parameters<typeof signStaffCommand<C>>[1],
    options: Omit<SignStaffCommandOptions, 'signingKey'> = {},
  ) => signStaffCommand(contract, data, { ...options, signingKey: staff.signingKey });

  const sendCommand = (appointmentId: string) =>
    signed(SendToModality, { appointmentId, requestedBy: ada });

  async function stateBecomes(appointmentId: string, state: string) {
    return eventually(async () => {
      const current = await stateOf(models, appointmentId);
      return current?.state === state ? current : undefined;
    }, `${appointmentId} to be ${state}`);
  }

  describe('send to modality', () => {
    it('moves a checked-in appointment to sent_to_modality and publishes the snapshot, with the slot end and the setting', async () => {
      const { appointmentId, participant, appointment } = await givenAppointment(
        models,
        'checked_in',
      );
      const command = await sendCommand(appointmentId);
      await bus.publish(SendToModality, command);

      const stored = await stateBecomes(appointmentId, 'sent_to_modality');
      expect(stored.history).toEqual([
        expect.objectContaining({
          from: 'checked_in',
          to: 'sent_to_modality',
          by: ada,
          causedBy: command.id,
          cause: 'appointment.send-to-modality',
        }),
      ]);
      expect(stored.appliedKeys).toEqual([command.id]);

      const [event] = await eventually(
        () => sentFor(appointmentId).length === 1 && sentFor(appointmentId),
        'the sent event',
      );
      expect(event).toEqual({
        id: sentEventId(command.id),
        type: 'appointment.sent-to-modality',
        version: 1,
        occurredAt: (stored.history[0]!.at as Date).toISOString(),
        correlationId: command.id,
        causationId: command.id,
        data: {
          appointmentId,
          commandId: command.id,
          sentBy: ada,
          participant: {
            participantId: participant.participantId,
            nhsNumber: participant.nhsNumber,
            givenName: 'Jane',
            familyName: 'Smith',
            dateOfBirth: '1970-01-31',
            sex: 'female',
          },
          appointment: {
            clinicId: 'clinic-test',
            settingId: 'setting-leeds',
            startsAt: '2026-11-26T09:30:00.000Z',
            endsAt: '2026-11-26T09:50:00.000Z',
            accessionNumber: appointment.accessionNumber,
          },
          setting: { name: "Leeds St James's Breast Screening Unit", odsCode: 'RR8' },
        },
      });

      const [change] = await eventually(
        () => changesFor(appointmentId).length === 1 && changesFor(appointmentId),
        'the state change',
      );
      expect(change!.id).toBe(stateChangedId(command.id));
      expect(change!.causationId).toBe(command.id);
      expect(change!.data).toEqual({
        appointmentId,
        clinicId: 'clinic-test',
        from: 'checked_in',
        to: 'sent_to_modality',
        by: ada,
        at: event!.occurredAt,
      });
    });

    it('takes a repeated command once and publishes the same events again', async () => {
      const { appointmentId } = await givenAppointment(models, 'checked_in');
      const command = await sendCommand(appointmentId);
      await bus.publish(SendToModality, command);
      await eventually(() => sentFor(appointmentId).length === 1, 'the first sent event');
      await bus.publish(SendToModality, command);

      const events = await eventually(
        () => sentFor(appointmentId).length === 2 && sentFor(appointmentId),
        'the re-emitted sent event',
      );
      expect(events[1]).toEqual(events[0]);
      const changes = await eventually(
        () => changesFor(appointmentId).length === 2 && changesFor(appointmentId),
        'the re-emitted state change',
      );
      expect(changes[1]).toEqual(changes[0]);

      const stored = await stateOf(models, appointmentId);
      expect(stored?.state).toBe('sent_to_modality');
      expect(stored?.history).toHaveLength(1);
      expect(stored?.appliedKeys).toEqual([command.id]);
    });

    it('sends once when several different commands race for one appointment (two clicks, two users)', async () => {
      const { appointmentId } = await givenAppointment(models, 'checked_in');
      const commands = await Promise.all(
        Array.from({ length: 5 }, () => sendCommand(appointmentId)),
      );
      await Promise.all(commands.map((command) => bus.publish(SendToModality, command)));

      // Exactly one wins; the others are refused (at once, or after a retry that re-reads the
      // state when they lost the race on the conditional update) and dead-lettered.
      const [event] = await eventually(
        () => sentFor(appointmentId).length === 1 && sentFor(appointmentId),
        'the one sent event',
      );
      const winner = commands.find((c) => sentEventId(c.id) === event!.id)!;
      const losers = commands.filter((c) => c !== winner);
      expect(losers).toHaveLength(4);
      for (const loser of losers) {
        const dead = await probe.find(deadLetters(), loser.id);
        expect(dead.properties.headers?.[Header.failureReason]).toBe(
          'TransitionRefusedError: Cannot send to modality: the appointment has already been sent to the modality (appointment is sent_to_modality)',
        );
        expect((await rejectionOf(loser.id)).data.code).toBe('transition_refused');
      }
      expect(rejectionsOf(winner.id)).toEqual([]);
      const stored = await stateOf(models, appointmentId);
      expect(stored?.state).toBe('sent_to_modality');
      expect(stored?.history).toHaveLength(1);
      expect(stored?.history[0]?.causedBy).toBe(winner.id);
      expect(sentFor(appointmentId)).toHaveLength(1);
    });

    it('refuses to send an appointment that is not checked in: dead-lettered with a reason staff can read', async () => {
      const { appointmentId } = await givenAppointment(models, 'booked');
      const command = await sendCommand(appointmentId);
      await bus.publish(SendToModality, command);

      const dead = await probe.find(deadLetters(), command.id);
      expect(dead.properties.headers?.[Header.failureCode]).toBe('transition_refused');
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        'TransitionRefusedError: Cannot send to modality: the participant has not been checked in (appointment is booked)',
      );
      expect(dead.properties.headers?.[Header.attempt]).toBe(1);
      const stored = await stateOf(models, appointmentId);
      expect(stored?.state).toBe('booked');
      expect(stored?.history).toEqual([]);
      expect(sentFor(appointmentId)).toEqual([]);
      expect(changesFor(appointmentId)).toEqual([]);
      expect((await rejectionOf(command.id)).data).toEqual({
        commandId: command.id,
        commandType: 'appointment.send-to-modality',
        appointmentId,
        requestedBy: ada,
        reason:
          'Cannot send to modality: the participant has not been checked in (appointment is booked)',
        code: 'transition_refused',
      });
    });

    it('dead-letters a command for an unknown appointment with the reason', async () => {
      const command = await sendCommand('apt-that-does-not-exist');
      await bus.publish(SendToModality, command);
      const dead = await probe.find(deadLetters(), command.id);
      expect(dead.properties.headers?.[Header.failureCode]).toBe('unknown_appointment');
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        'UnknownAppointmentError: No appointment with id "apt-that-does-not-exist"',
      );
      expect(JSON.parse(dead.content.toString())).toEqual(command);
      expect(sentFor('apt-that-does-not-exist')).toEqual([]);
      expect((await rejectionOf(command.id)).data).toEqual(
        expect.objectContaining({
          reason: 'No appointment with id "apt-that-does-not-exist"',
          code: 'unknown_appointment',
        }),
      );
    });

    it('leaves an appointment stored before endsAt existed checked in: staff told why, dead-lettered as inconsistent data, nothing sent', async () => {
      const { appointmentId } = await givenAppointment(models, 'checked_in');
      // Written before the field existed (an update runs no validators, as an old release did not).
      await models.Appointment.updateOne({ appointmentId }, { $unset: { endsAt: 1 } });
      const command = await sendCommand(appointmentId);
      await bus.publish(SendToModality, command);

      const dead = await probe.find(deadLetters(), command.id);
      expect(dead.properties.headers?.[Header.failureCode]).toBe('inconsistent_data');
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        `InconsistentDataError: appointment ${appointmentId} cannot be sent to the modality: its stored data does not make a valid order (appointment.endsAt: Invalid ISO datetime)`,
      );
      const stored = await stateOf(models, appointmentId);
      expect(stored?.state).toBe('checked_in');
      expect(stored?.history).toEqual([]);
      // Staff hear that nothing was sent, and why; admins fix the data.
      const rejection = await rejectionOf(command.id);
      expect(rejection.data).toEqual({
        commandId: command.id,
        commandType: 'appointment.send-to-modality',
        appointmentId,
        requestedBy: ada,
        reason: `The appointment's stored record cannot make a valid order, so nothing was sent and it stays checked in. An administrator must correct the record first. Detail: appointment ${appointmentId} cannot be sent to the modality: its stored data does not make a valid order (appointment.endsAt: Invalid ISO datetime)`,
        code: 'inconsistent_data',
      });
      await sleep(300);
      expect(sentFor(appointmentId)).toEqual([]);
      expect(changesFor(appointmentId)).toEqual([]);
    });

    it('dead-letters malformed messages with the reason and carries on with good ones', async () => {
      const exchange = bus.names.exchangeFor('command');
      await probe.publishRaw(
        exchange,
        SendToModality.type,
        '{"type": "appointment.send',
        'raw-not-json',
      );
      const broken = {
        ...(await sendCommand('apt-1')),
        id: 'raw-bad-data',
        data: { appointmentId: 'has spaces' },
      };
      await probe.publishRaw(exchange, SendToModality.type, JSON.stringify(broken), broken.id);

      const notJson = await probe.find(deadLetters(), 'raw-not-json');
      expect(notJson.properties.headers?.[Header.failureCode]).toBe('malformed_json');
      expect(String(notJson.properties.headers?.[Header.failureReason])).toMatch(
        /^body is not JSON/,
      );
      const invalid = await probe.find(deadLetters(), 'raw-bad-data');
      expect(invalid.properties.headers?.[Header.failureCode]).toBe('contract_violation');
      expect(String(invalid.properties.headers?.[Header.failureReason])).toContain(
        'data.appointmentId: may contain only letters, digits',
      );
      expect(String(invalid.properties.headers?.[Header.failureReason])).toContain(
        'data.requestedBy',
      );

      const { appointmentId } = await givenAppointment(models, 'checked_in');
      await bus.publish(SendToModality, await sendCommand(appointmentId));
      await stateBecomes(appointmentId, 'sent_to_modality');
    });
  });

  describe('outcomes from the hospital', () => {
    async function sentAppointment() {
      const given = await givenAppointment(models, 'checked_in');
      const command = await sendCommand(given.appointmentId);
      await bus.publish(SendToModality, command);
      await stateBecomes(given.appointmentId, 'sent_to_modality');
      return { ...given, command };
    }

    const confirmed = (appointmentId: string) =>
      createMessage(MessageConfirmed, {
        messageId: `msg-${appointmentId}`,
        appointmentId,
        gatewayId: 'gateway-leeds',
        confirmedAt: '2026-11-26T09:32:00.000Z',
        alreadyHad: false,
      });

    /** The appointment once its history has `length` entries. */
    const withHistoryOf = (appointmentId: string, length: number) =>
      eventually(async () => {
        const current = await stateOf(models, appointmentId);
        return current?.history.length === length ? current : undefined;
      }, `${appointmentId} with ${length} history entries`);

    /** The dispatcher's confirmation in the flow of the send command `sendId`. */
    const confirmationOfSend = (
      appointmentId: string,
      sendId: string,
      confirmedAt: string,
      alreadyHad = false,
    ) =>
      createMessage(
        MessageConfirmed,
        {
          messageId: `msg-${appointmentId}`,
          appointmentId,
          gatewayId: 'gateway-leeds',
          confirmedAt,
          alreadyHad,
        },
        { causedBy: { id: `ready-${appointmentId}`, correlationId: sendId } },
      );

    it('moves to with_modality on confirmation, once for a duplicated event', async () => {
      const { appointmentId } = await sentAppointment();
      const event = confirmed(appointmentId);
      await bus.publish(MessageConfirmed, event);
      await stateBecomes(appointmentId, 'with_modality');
      await bus.publish(MessageConfirmed, event);

      const changes = await eventually(
        () => changesFor(appointmentId).length === 3 && changesFor(appointmentId),
        'sent, confirmed and the re-emitted confirmed change',
      );
      expect(changes.map((c) => [c.data.from, c.data.to])).toEqual([
        ['checked_in', 'sent_to_modality'],
        ['sent_to_modality', 'with_modality'],
        ['sent_to_modality', 'with_modality'],
      ]);
      expect(changes[2]).toEqual(changes[1]);
      expect(changes[1]!.id).toBe(stateChangedId(event.id));
      expect(changes[1]!.data.by).toBeUndefined();
      expect(changes[1]!.data.reason).toBe(
        'The hospital accepted the order (gateway gateway-leeds)',
      );

      const stored = await stateOf(models, appointmentId);
      expect(stored?.history.map((h) => h.to)).toEqual(['sent_to_modality', 'with_modality']);
    });

    it('returns a failed send to checked_in with the phase and reason, and a resend works', async () => {
      const { appointmentId, command: first } = await sentAppointment();
      const failure = createMessage(MessageFailed, {
        messageId: `msg-${appointmentId}`,
        appointmentId,
        gatewayId: 'gateway-leeds',
        phase: 'destination_rejected',
        reason: 'RIS refused: unknown procedure code',
        attempts: 1,
      });
      await bus.publish(MessageFailed, failure);
      const failed = await stateBecomes(appointmentId, 'checked_in');
      expect(failed.history.at(-1)).toEqual(
        expect.objectContaining({
          from: 'sent_to_modality',
          to: 'checked_in',
          causedBy: failure.id,
          cause: 'message.failed',
          reason:
            'Sending failed (destination_rejected: the hospital system rejected the order) after 1 attempt: RIS refused: unknown procedure code',
        }),
      );

      const resend = await sendCommand(appointmentId);
      await bus.publish(SendToModality, resend);
      await stateBecomes(appointmentId, 'sent_to_modality');
      const events = await eventually(
        () => sentFor(appointmentId).length === 2 && sentFor(appointmentId),
        'the resend event',
      );
      expect(events.map((e) => e.id)).toEqual([sentEventId(first.id), sentEventId(resend.id)]);
      expect(events[1]!.data.appointment.accessionNumber).toBe(
        events[0]!.data.appointment.accessionNumber,
      );
    });

    it('ignores a late failure of an earlier send once staff have sent again', async () => {
      const { appointmentId, command: first } = await sentAppointment();
      const failureOf = (command: { id: string }, n: number) =>
        createMessage(
          MessageFailed,
          {
            messageId: `msg-${n}-${appointmentId}`,
            appointmentId,
            phase: 'confirm_timeout',
            reason: 'no confirmation within 60 s',
            attempts: 3,
          },
          // The dispatcher's event continues the flow the send command started.
          { causedBy: { id: `ready-${n}-${appointmentId}`, correlationId: command.id } },
        );
      await bus.publish(MessageFailed, failureOf(first, 1));
      await stateBecomes(appointmentId, 'checked_in');
      const second = await sendCommand(appointmentId);
      await bus.publish(SendToModality, second);
      await stateBecomes(appointmentId, 'sent_to_modality');

      // The first order's failure is reported again by another event (a late duplicate report).
      const late = failureOf(first, 2);
      await bus.publish(MessageFailed, late);
      const stored = await withHistoryOf(appointmentId, 4);
      expect(stored.state).toBe('sent_to_modality');
      expect(stored.history[3]).toEqual(
        expect.objectContaining({
          from: 'sent_to_modality',
          to: 'sent_to_modality',
          causedBy: late.id,
          reason: expect.stringMatching(
            new RegExp(`^An earlier send \\(command ${first.id}\\) failed; it has been sent again`),
          ),
        }),
      );

      // The second order's failure still brings it back.
      await bus.publish(MessageFailed, failureOf(second, 3));
      await stateBecomes(appointmentId, 'checked_in');
    });

    it('takes a confirmation that arrives after the send was reported failed: checked_in -> with_modality', async () => {
      const { appointmentId, command } = await sentAppointment();
      const flow = { causedBy: { id: `ready-${appointmentId}`, correlationId: command.id } };
      await bus.publish(
        MessageFailed,
        createMessage(
          MessageFailed,
          {
            messageId: `msg-${appointmentId}`,
            appointmentId,
            phase: 'confirm_timeout',
            reason: 'no confirmation within 120 s',
            attempts: 10,
          },
          flow,
        ),
      );
      await stateBecomes(appointmentId, 'checked_in');

      // Staff resend it from the dispatcher: the gateway's receipt is recorded, the state stays.
      const delivered = createMessage(
        MessageDelivered,
        {
          messageId: `msg-${appointmentId}`,
          appointmentId,
          gatewayId: 'gateway-leeds',
          deliveredAt: '2026-11-26T09:39:00.000Z',
          attempt: 1,
        },
        flow,
      );
      await bus.publish(MessageDelivered, delivered);
      const withDelivery = await eventually(async () => {
        const current = await stateOf(models, appointmentId);
        return current?.history.some((h) => h.causedBy === delivered.id) ? current : undefined;
      }, 'the late delivery in the history');
      expect(withDelivery.state).toBe('checked_in');

      // The hospital answers after all; the dispatcher publishes the confirmation of that send.
      const late = confirmationOfSend(appointmentId, command.id, '2026-11-26T09:40:00.000Z');
      await bus.publish(MessageConfirmed, late);
      const stored = await stateBecomes(appointmentId, 'with_modality');
      expect(stored.history.at(-1)).toEqual(
        expect.objectContaining({
          from: 'checked_in',
          to: 'with_modality',
          causedBy: late.id,
          reason:
            'The hospital accepted the order (gateway gateway-leeds), after the send had been reported failed',
        }),
      );
    });

    describe('withdrawing a send that has had no answer (staff are never stuck)', () => {
      const withdraw = (appointmentId: string, reason = 'No confirmation after 20 minutes') =>
        signed(WithdrawSend, { appointmentId, requestedBy: ada, reason });

      it('returns sent_to_modality to checked_in with the reason, tells web, and lets staff send again', async () => {
        const { appointmentId, command: send } = await sentAppointment();
        const command = await withdraw(appointmentId);
        await bus.publish(WithdrawSend, command);
        const stored = await stateBecomes(appointmentId, 'checked_in');
        expect(stored.history.at(-1)).toEqual(
          expect.objectContaining({
            from: 'sent_to_modality',
            to: 'checked_in',
            by: ada,
            reason: 'Send withdrawn: No confirmation after 20 minutes',
            causedBy: command.id,
            cause: 'appointment.withdraw-send',
          }),
        );
        const change = await eventually(
          () => changesFor(appointmentId).find((e) => e.causationId === command.id),
          'the change',
        );
        expect(change.data).toEqual(
          expect.objectContaining({
            from: 'sent_to_modality',
            to: 'checked_in',
            by: ada,
            reason: 'Send withdrawn: No confirmation after 20 minutes',
          }),
        );
        // The same command again changes nothing.
        await bus.publish(WithdrawSend, command);
        const again = await sendCommand(appointmentId);
        await bus.publish(SendToModality, again);
        const resent = await stateBecomes(appointmentId, 'sent_to_modality');
        expect(resent.history.map((e) => e.causedBy)).toEqual([send.id, command.id, again.id]);
      });

      it('takes a confirmation of the withdrawn send that arrives afterwards: checked_in -> with_modality', async () => {
        const { appointmentId, command: send } = await sentAppointment();
        await bus.publish(WithdrawSend, await withdraw(appointmentId));
        await stateBecomes(appointmentId, 'checked_in');
        const late = confirmationOfSend(appointmentId, send.id, '2026-11-26T09:45:00.000Z');
        await bus.publish(MessageConfirmed, late);
        const stored = await stateBecomes(appointmentId, 'with_modality');
        expect(stored.history.at(-1)).toEqual(
          expect.objectContaining({
            from: 'checked_in',
            to: 'with_modality',
            causedBy: late.id,
            reason:
              'The hospital accepted the order (gateway gateway-leeds), after staff had withdrawn the send',
          }),
        );
      });

      it('records a failure of the withdrawn send without changing anything, and a confirmation after it is still late', async () => {
        const { appointmentId, command: send } = await sentAppointment();
        const flow = { causedBy: { id: `ready-${appointmentId}`, correlationId: send.id } };
        await bus.publish(WithdrawSend, await withdraw(appointmentId));
        await stateBecomes(appointmentId, 'checked_in');
        const failure = createMessage(
          MessageFailed,
          { appointmentId, phase: 'confirm_timeout', reason: 'no confirmation', attempts: 10 },
          flow,
        );
        await bus.publish(MessageFailed, failure);
        const stored = await withHistoryOf(appointmentId, 3);
        expect(stored.state).toBe('checked_in');
        expect(stored.history[2]).toEqual(
          expect.objectContaining({
            from: 'checked_in',
            to: 'checked_in',
            causedBy: failure.id,
            reason: expect.stringMatching(
              new RegExp(`^The send \\(command ${send.id}\\) had been withdrawn by staff`),
            ),
          }),
        );
        await bus.publish(
          MessageConfirmed,
          confirmationOfSend(appointmentId, send.id, '2026-11-26T09:50:00.000Z', true),
        );
        await stateBecomes(appointmentId, 'with_modality');
      });

      it('refuses to withdraw when nothing is waiting: the rejection tells staff why', async () => {
        const { appointmentId } = await givenAppointment(models, 'checked_in');
        const command = await withdraw(appointmentId);
        await bus.publish(WithdrawSend, command);
        const rejection = await rejectionOf(command.id);
        expect(rejection.data).toEqual({
          commandId: command.id,
          commandType: 'appointment.withdraw-send',
          appointmentId,
          requestedBy: ada,
          reason:
            'Cannot withdraw the send: there is no send waiting for an answer to withdraw (appointment is checked_in)',
          code: 'transition_refused',
        });
        const dead = await probe.find(deadLetters(), command.id);
        expect(dead.properties.headers?.[Header.failureCode]).toBe('transition_refused');
        expect((await stateOf(models, appointmentId))?.state).toBe('checked_in');
      });
    });

    it('does not take a confirmation of some other flow as late: dead-lettered, still checked in', async () => {
      const { appointmentId, command } = await sentAppointment();
      await bus.publish(
        MessageFailed,
        createMessage(
          MessageFailed,
          { appointmentId, phase: 'connect', reason: 'gateway offline', attempts: 10 },
          { causedBy: { id: `ready-${appointmentId}`, correlationId: command.id } },
        ),
      );
      await stateBecomes(appointmentId, 'checked_in');
      const stray = confirmed(appointmentId); // its own flow, not the failed send's
      await bus.publish(MessageConfirmed, stray);
      const dead = await probe.find(deadLetters(), stray.id);
      expect(dead.properties.headers?.[Header.failureReason]).toMatch(
        /Cannot record the confirmation: .*\(appointment is checked_in\)$/,
      );
      expect((await stateOf(models, appointmentId))?.state).toBe('checked_in');
    });

    it('records a delivery in the history without changing state or publishing a change', async () => {
      const { appointmentId } = await sentAppointment();
      const delivered = createMessage(MessageDelivered, {
        messageId: `msg-${appointmentId}`,
        appointmentId,
        gatewayId: 'gateway-leeds',
        deliveredAt: '2026-11-26T09:31:00.000Z',
        attempt: 1,
      });
      await bus.publish(MessageDelivered, delivered);
      const stored = await eventually(async () => {
        const current = await stateOf(models, appointmentId);
        return current?.history.length === 2 ? current : undefined;
      }, 'the delivery in the history');
      expect(stored.state).toBe('sent_to_modality');
      expect(stored.history[1]).toEqual(
        expect.objectContaining({
          from: 'sent_to_modality',
          to: 'sent_to_modality',
          cause: 'message.delivered',
          reason: 'Delivered to gateway gateway-leeds (attempt 1)',
        }),
      );
      await sleep(200);
      expect(changesFor(appointmentId)).toHaveLength(1);
    });

    it('follows the modality: started (found by accession number) then completed -> screened', async () => {
      const { appointmentId, appointment } = await sentAppointment();
      const report = (event: 'examination_started' | 'examination_completed', withId: boolean) =>
        createMessage(ModalityEventReported, {
          gatewayId: 'gateway-leeds',
          accessionNumber: appointment.accessionNumber,
          ...(withId && { appointmentId }),
          event,
          happenedAt: '2026-11-26T09:40:00.000Z',
        });
      await bus.publish(ModalityEventReported, report('examination_started', false));
      await stateBecomes(appointmentId, 'with_modality');
      // The hospital's confirmation arriving after the modality started changes nothing.
      await bus.publish(MessageConfirmed, confirmed(appointmentId));
      await eventually(
        async () => (await stateOf(models, appointmentId))?.history.length === 3,
        'the late confirmation',
      );
      expect((await stateOf(models, appointmentId))?.state).toBe('with_modality');

      await bus.publish(ModalityEventReported, report('examination_completed', true));
      const done = await stateBecomes(appointmentId, 'screened');
      expect(done.history.map((h) => [h.from, h.to])).toEqual([
        ['checked_in', 'sent_to_modality'],
        ['sent_to_modality', 'with_modality'],
        ['with_modality', 'with_modality'],
        ['with_modality', 'screened'],
      ]);
      expect(done.history[3]!.reason).toBe(
        'Examination completed at 2026-11-26T09:40:00.000Z (gateway gateway-leeds)',
      );
      const changes = await eventually(
        () => changesFor(appointmentId).length === 3 && changesFor(appointmentId),
        'three state changes',
      );
      expect(changes.map((c) => c.data.to)).toEqual([
        'sent_to_modality',
        'with_modality',
        'screened',
      ]);
    });

    it('records a fact repeated without a change once, counting the repeats, so the history stays bounded', async () => {
      const { appointmentId, appointment } = await sentAppointment();
      const started = () =>
        createMessage(ModalityEventReported, {
          gatewayId: 'gateway-leeds',
          accessionNumber: appointment.accessionNumber,
          appointmentId,
          event: 'examination_started',
          happenedAt: '2026-11-26T09:40:00.000Z',
        });
      await bus.publish(ModalityEventReported, started());
      await stateBecomes(appointmentId, 'with_modality');
      // A stream of the same report (each its own event id): acknowledged, nothing changes.
      const repeats = 25;
      for (let i = 0; i < repeats; i++) await bus.publish(ModalityEventReported, started());
      const stored = await eventually(async () => {
        const now = await stateOf(models, appointmentId);
        const entry = now?.history.find(
          (h) => h.from === 'with_modality' && h.to === 'with_modality',
        );
        return (entry as { repeats?: number } | undefined)?.repeats === repeats - 1 && now;
      }, 'the repeats counted on one entry');
      expect(stored.history.map((h) => [h.from, h.to])).toEqual([
        ['checked_in', 'sent_to_modality'],
        ['sent_to_modality', 'with_modality'],
        ['with_modality', 'with_modality'],
      ]);
      expect(stored.state).toBe('with_modality');
    });

    it('returns a discontinued examination to checked_in with the detail', async () => {
      const { appointmentId, appointment } = await sentAppointment();
      await bus.publish(
        ModalityEventReported,
        createMessage(ModalityEventReported, {
          gatewayId: 'gateway-leeds',
          accessionNumber: appointment.accessionNumber,
          appointmentId,
          event: 'examination_discontinued',
          happenedAt: '2026-11-26T09:41:00.000Z',
          detail: 'Participant felt unwell',
        }),
      );
      const stored = await stateBecomes(appointmentId, 'checked_in');
      expect(stored.history.at(-1)?.reason).toBe(
        'Examination discontinued at 2026-11-26T09:41:00.000Z (gateway gateway-leeds): Participant felt unwell',
      );
    });

    it('dead-letters a modality event whose accession number matches no appointment', async () => {
      const event = createMessage(ModalityEventReported, {
        gatewayId: 'gateway-leeds',
        accessionNumber: 'MBSNOSUCHORDER00',
        event: 'examination_started',
        happenedAt: '2026-11-26T09:40:00.000Z',
      });
      await bus.publish(ModalityEventReported, event);
      const dead = await probe.find(deadLetters(), event.id);
      expect(dead.properties.headers?.[Header.failureCode]).toBe('unknown_appointment');
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        'UnknownAppointmentError: No appointment with accession number "MBSNOSUCHORDER00"',
      );
      // An event appointment consumes is not a staff command: nobody clicked, nobody is told.
      await sleep(300);
      expect(rejectionsOf(event.id)).toEqual([]);
    });

    it('dead-letters a confirmation for an appointment that was never sent, leaving it alone', async () => {
      const { appointmentId } = await givenAppointment(models, 'checked_in');
      const event = confirmed(appointmentId);
      await bus.publish(MessageConfirmed, event);
      const dead = await probe.find(deadLetters(), event.id);
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        'TransitionRefusedError: Cannot record the confirmation: the participant is checked in but has not been sent to the modality (appointment is checked_in)',
      );
      expect((await stateOf(models, appointmentId))?.state).toBe('checked_in');
      await sleep(300);
      expect(rejectionsOf(event.id)).toEqual([]);
      expect(rejected.filter((e) => e.data.appointmentId === appointmentId)).toEqual([]);
    });
  });

  describe("web's signature on staff commands (who asked is what web verified)", () => {
    /** A command dead-lettered as bad_command_signature that changed and told nothing. */
    async function refusedUnseen(
      command: { id: string },
      appointmentId: string,
      state: string,
      reason: string,
    ) {
      const dead = await probe.find(deadLetters(), command.id);
      expect(dead.properties.headers?.[Header.failureCode]).toBe('bad_command_signature');
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        `CommandSignatureError: ${reason}`,
      );
      expect(dead.properties.headers?.[Header.attempt]).toBe(1);
      await sleep(300);
      const stored = await stateOf(models, appointmentId);
      expect([stored?.state, stored?.history, stored?.appliedKeys]).toEqual([state, [], []]);
      expect(sentFor(appointmentId)).toEqual([]);
      expect(changesFor(appointmentId)).toEqual([]);
      // Not told back: the member of staff it names never sent it.
      expect(rejectionsOf(command.id)).toEqual([]);
    }

    it('dead-letters an unsigned send as bad_command_signature: nothing changes, nobody is told', async () => {
      const { appointmentId } = await givenAppointment(models, 'checked_in');
      const command = createMessage(SendToModality, { appointmentId, requestedBy: ada });
      await bus.publish(SendToModality, command);
      await refusedUnseen(command, appointmentId, 'checked_in', 'The command is not signed');
    });

    it("dead-letters a command signed by another key under web's kid", async () => {
      const { appointmentId } = await givenAppointment(models, 'checked_in');
      const command = await signStaffCommand(
        SendToModality,
        { appointmentId, requestedBy: ada },
        { signingKey: staff.forger },
      );
      await bus.publish(SendToModality, command);
      await refusedUnseen(
        command,
        appointmentId,
        'checked_in',
        'The command signature does not verify',
      );
    });

    it('dead-letters a signature lifted from another command, or one whose user was changed', async () => {
      const { appointmentId } = await givenAppointment(models, 'booked');
      const genuine = await signed(CheckIn, { appointmentId, requestedBy: ada });
      const replayed = { ...genuine, id: 'cmd-replayed-with-a-new-id' };
      await bus.publish(CheckIn, replayed);
      await refusedUnseen(
        replayed,
        appointmentId,
        'booked',
        "The command's commandId is not the one signed",
      );
      // The same command, its user changed: refused for the user.
      const impostor = {
        ...genuine,
        data: { ...genuine.data, requestedBy: { ...genuine.data.requestedBy, userId: 'eve' } },
      };
      await bus.publish(CheckIn, impostor);
      const dead = await probe.find(deadLetters(), impostor.id);
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        "CommandSignatureError: The command's userId is not the one signed",
      );
      expect(rejectionsOf(impostor.id)).toEqual([]);

      // The genuine command, as web signed it, still works, and the history names who web verified.
      await bus.publish(CheckIn, genuine);
      const done = await stateBecomes(appointmentId, 'checked_in');
      expect(done.history[0]?.by).toEqual(ada);
    });
  });

  describe('staff actions', () => {
    it('checks in a booked participant, once per command', async () => {
      const { appointmentId } = await givenAppointment(models, 'booked');
      const command = await signed(CheckIn, { appointmentId, requestedBy: ada });
      await bus.publish(CheckIn, command);
      await bus.publish(CheckIn, command);
      await eventually(() => changesFor(appointmentId).length === 2, 'both state-changed events');
      const stored = await stateOf(models, appointmentId);
      expect(stored?.state).toBe('checked_in');
      expect(stored?.history).toHaveLength(1);
      expect(changesFor(appointmentId)[1]).toEqual(changesFor(appointmentId)[0]);
    });

    it('a second check-in (another click) is refused with a readable reason', async () => {
      const { appointmentId } = await givenAppointment(models, 'checked_in');
      const command = await signed(CheckIn, { appointmentId, requestedBy: ada });
      await bus.publish(CheckIn, command);
      const dead = await probe.find(deadLetters(), command.id);
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        'TransitionRefusedError: Cannot check in: the participant is already checked in (appointment is checked_in)',
      );
    });

    it('cancels with the reason kept in the history and the event', async () => {
      const { appointmentId } = await givenAppointment(models, 'checked_in');
      const command = await signed(
        CancelAppointment,
        {
          appointmentId,
          requestedBy: ada,
          reason: 'Participant asked to rebook',
        },
        {},
      );
      await bus.publish(CancelAppointment, command);
      const stored = await stateBecomes(appointmentId, 'cancelled');
      expect(stored.history[0]).toEqual(
        expect.objectContaining({ by: ada, reason: 'Participant asked to rebook' }),
      );
      const [change] = await eventually(
        () => changesFor(appointmentId).length === 1 && changesFor(appointmentId),
        'the change',
      );
      expect(change!.data).toEqual(
        expect.objectContaining({
          to: 'cancelled',
          by: ada,
          reason: 'Participant asked to rebook',
        }),
      );
    });

    it('refuses to cancel an appointment already sent to the modality', async () => {
      const { appointmentId } = await givenAppointment(models, 'sent_to_modality');
      const command = await signed(
        CancelAppointment,
        {
          appointmentId,
          requestedBy: ada,
          reason: 'Changed mind',
        },
        {},
      );
      await bus.publish(CancelAppointment, command);
      const dead = await probe.find(deadLetters(), command.id);
      expect(dead.properties.headers?.[Header.failureCode]).toBe('transition_refused');
      expect(String(dead.properties.headers?.[Header.failureReason])).toMatch(
        /^TransitionRefusedError: Cannot cancel: the appointment has been sent to the modality/,
      );
      expect((await stateOf(models, appointmentId))?.state).toBe('sent_to_modality');
    });

    it('marks a booked participant as did not attend', async () => {
      const { appointmentId } = await givenAppointment(models, 'booked');
      await bus.publish(
        MarkDidNotAttend,
        await signed(MarkDidNotAttend, { appointmentId, requestedBy: ada }),
      );
      await stateBecomes(appointmentId, 'did_not_attend');
    });
  });

  describe('refused staff commands (told back as appointment.command-rejected, then dead-lettered)', () => {
    it('a check-in of a cancelled appointment publishes the rejection with a readable reason and dead-letters the command', async () => {
      const { appointmentId } = await givenAppointment(models, 'cancelled');
      const command = await signed(CheckIn, { appointmentId, requestedBy: ada });
      await bus.publish(CheckIn, command);

      const rejection = await rejectionOf(command.id);
      expect(rejection).toEqual({
        id: rejectedEventId(command.id),
        type: 'appointment.command-rejected',
        version: 1,
        occurredAt: expect.any(String),
        correlationId: command.id,
        causationId: command.id,
        data: {
          commandId: command.id,
          commandType: 'appointment.check-in',
          appointmentId,
          requestedBy: ada,
          reason: 'Cannot check in: the appointment was cancelled (appointment is cancelled)',
          code: 'transition_refused',
        },
      });
      const dead = await probe.find(deadLetters(), command.id);
      expect(dead.properties.headers?.[Header.failureCode]).toBe('transition_refused');
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        `TransitionRefusedError: ${rejection.data.reason}`,
      );
      expect(JSON.parse(dead.content.toString())).toEqual(command);
      const stored = await stateOf(models, appointmentId);
      expect(stored?.state).toBe('cancelled');
      expect(stored?.history).toEqual([]);
      expect(changesFor(appointmentId)).toEqual([]);
    });

    it('a command for an unknown appointment publishes the rejection and dead-letters the command', async () => {
      const command = await signed(
        CancelAppointment,
        {
          appointmentId: 'apt-nobody-booked',
          requestedBy: ada,
          reason: 'Participant asked to rebook',
        },
        {},
      );
      await bus.publish(CancelAppointment, command);

      const rejection = await rejectionOf(command.id);
      expect(rejection.id).toBe(rejectedEventId(command.id));
      expect(rejection.data).toEqual({
        commandId: command.id,
        commandType: 'appointment.cancel',
        appointmentId: 'apt-nobody-booked',
        requestedBy: ada,
        reason: 'No appointment with id "apt-nobody-booked"',
        code: 'unknown_appointment',
      });
      const dead = await probe.find(deadLetters(), command.id);
      expect(dead.properties.headers?.[Header.failureCode]).toBe('unknown_appointment');
      expect(dead.properties.headers?.[Header.failureReason]).toBe(
        'UnknownAppointmentError: No appointment with id "apt-nobody-booked"',
      );
    });

    it('a refused command delivered again yields the same rejection (same id, same data)', async () => {
      const { appointmentId } = await givenAppointment(models, 'did_not_attend');
      const command = await signed(MarkDidNotAttend, { appointmentId, requestedBy: ada });
      await bus.publish(MarkDidNotAttend, command);
      await rejectionOf(command.id);
      await bus.publish(MarkDidNotAttend, command);

      const both = await eventually(
        () => rejectionsOf(command.id).length === 2 && rejectionsOf(command.id),
        'the second rejection',
      );
      expect(both.map((e) => e.id)).toEqual([
        rejectedEventId(command.id),
        rejectedEventId(command.id),
      ]);
      expect(both[1]!.data).toEqual(both[0]!.data);
      expect(both[0]!.data.reason).toBe(
        'Cannot mark as did not attend: the participant was marked as did not attend (appointment is did_not_attend)',
      );
      expect((await stateOf(models, appointmentId))?.state).toBe('did_not_attend');
    });
  });
});
