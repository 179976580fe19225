import { eventually, sleep, testLogger } from '@mbs/testing';
import amqp, { type GetMessage } from 'amqplib';
import type { Types } from 'mongoose';
import { accessionNumberFor } from '../src/domain/accession-number';
import type { AppointmentState } from '../src/domain/appointment-state';
import { idFor, type Models } from '../src/store/models';

export { eventually, sleep };

export const quietLogger = () => testLogger('appointment-test');

let sequence = 0;

/** The setting every test appointment belongs to, as the demo data has it. */
export const testSetting = {
  settingId: 'setting-leeds',
  name: "Leeds St James's Breast Screening Unit",
  kind: 'static' as const,
  address: "St James's University Hospital, Beckett Street, Leeds LS9 7TF",
  odsCode: 'RR8',
};

async function givenTestSetting(models: Models) {
  const _id = idFor(testSetting.settingId);
  if (!(await models.Setting.exists({ _id }))) await models.Setting.create({ _id, ...testSetting });
}

/**
 * A participant and an appointment in the given state, with ids no other test uses. Returns the
 * appointment's readable id and what the sent event's snapshot must carry.
 */
export async function givenAppointment(models: Models, state: AppointmentState) {
  sequence += 1;
  const suffix = `${process.pid}-${Date.now().toString(36)}-${sequence}`;
  const appointmentId = `apt-test-${suffix}`;
  const participantId = `participant-test-${suffix}`;
  const participant = {
    _id: idFor(participantId),
    participantId,
    nhsNumber: '9434765919',
    givenName: 'Jane',
    familyName: 'Smith',
    dateOfBirth: '1970-01-31',
    sex: 'female' as const,
  };
  await givenTestSetting(models);
  await models.Participant.create(participant);
  const appointment = {
    _id: idFor(appointmentId),
    appointmentId,
    clinicId: 'clinic-test',
    settingId: testSetting.settingId,
    participantId,
    startsAt: new Date('2026-11-26T09:30:00.000Z'),
    endsAt: new Date('2026-11-26T09:50:00.000Z'),
    accessionNumber: accessionNumberFor(appointmentId),
    state,
    history: [],
    appliedKeys: [],
  };
  await models.Appointment.create(appointment);
  return { appointmentId, participant, appointment };
}

export async function stateOf(models: Models, appointmentId: string) {
  const found = await models.Appointment.findById(idFor(appointmentId)).lean();
  return found as {
    _id: Types.ObjectId;
    state: AppointmentState;
    history: Array<Record<string, unknown>>;
    appliedKeys: string[];
  } | null;
}

/**
 * A plain amqplib connection to publish raw bytes, as a foreign or broken client would, and to
 * read dead letters. Messages taken from a queue are kept by message id, so tests sharing one
 * dead-letter queue each find their own.
 */
export async function openProbe(url: string) {
  const connection = await amqp.connect(url, {
    clientProperties: { connection_name: 'appointment-test-probe' },
  });
  const channel = await connection.createConfirmChannel();
  const seen = new Map<string, GetMessage>();
  return {
    async publishRaw(exchange: string, routingKey: string, content: string, messageId: string) {
      channel.publish(exchange, routingKey, Buffer.from(content), {
        persistent: true,
        messageId,
      });
      await channel.waitForConfirms();
    },
    /** Waits for the message with this id to arrive in `queue` and returns it. */
    async find(queue: string, messageId: string, timeoutMs = 15_000): Promise<GetMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.get(messageId);
        if (found) return found;
        const message = await channel.get(queue, { noAck: true });
        if (message) seen.set(String(message.properties.messageId), message);
        else if (Date.now() > deadline) throw new Error(`${messageId} never reached ${queue}`);
        else await sleep(25);
      }
    },
    close: () => connection.close(),
  };
}
