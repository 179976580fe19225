#!/usr/bin/env node
// Sends a participant to the modality, as the "Send to modality" button will, and follows the
// order until the hospital confirms it. Needs `npm start` running.
//
//   npm run send                      the first checked-in appointment at Leeds today
//   npm run send -- <appointmentId>   that appointment (check it in first if it is booked)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Bus } = require('../libs/bus/dist/index.js');
const { CheckIn, SendToModality, createMessage } = require('../libs/contracts/dist/index.js');
const { createLogger } = require('../libs/telemetry/dist/index.js');

const appointmentApi = process.env.APPOINTMENT_URL ?? 'http://127.0.0.1:3002';
const dispatcherApi = process.env.DISPATCHER_URL ?? 'http://127.0.0.1:3004';
const sinkApi = process.env.SINK_URL ?? 'http://127.0.0.1:3006';
const staff = { userId: 'demo-user', name: 'Demo Radiographer' };

const getJson = async (url) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function firstCheckedInAtLeeds() {
  const { clinics } = await getJson(`${appointmentApi}/clinics?settingId=setting-leeds`);
  for (const clinic of clinics) {
    const { appointments } = await getJson(
      `${appointmentApi}/clinics/${clinic.clinicId}/appointments`,
    );
    const ready = appointments.find((a) => a.state === 'checked_in');
    if (ready) return ready.appointmentId;
  }
  throw new Error(
    'No checked-in appointment at Leeds: give an appointment id (npm run send -- <id>)',
  );
}

const bus = await Bus.connect({
  url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  namespace: process.env.BUS_NAMESPACE ?? 'mbs',
  service: 'send-script',
  logger: createLogger({ service: 'send-script', level: 'warn' }),
});
try {
  const appointmentId = process.argv[2] ?? (await firstCheckedInAtLeeds());
  let current = await getJson(`${appointmentApi}/appointments/${appointmentId}`);
  if (current.state === 'booked') {
    await bus.publish(CheckIn, createMessage(CheckIn, { appointmentId, requestedBy: staff }));
    console.log(`${appointmentId}: checking in`);
    while (current.state === 'booked') {
      await sleep(100);
      current = await getJson(`${appointmentApi}/appointments/${appointmentId}`);
    }
  }
  const { participant, accessionNumber } = current;
  console.log(
    `Sending ${participant.givenName} ${participant.familyName} (NHS ${participant.nhsNumber}), ` +
      `appointment ${appointmentId}, accession ${accessionNumber}`,
  );
  const command = createMessage(SendToModality, { appointmentId, requestedBy: staff });
  const sentAt = Date.now();
  await bus.publish(SendToModality, command);
  console.log(`  command ${command.id} accepted by the broker`);

  let lastSeen = '';
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const appointment = await getJson(`${appointmentApi}/appointments/${appointmentId}`);
    const { messages } = await getJson(`${dispatcherApi}/messages?accession=${accessionNumber}`);
    const message = messages[0];
    const seen = `appointment ${appointment.state}; message ${message ? message.status : '(not yet built)'}`;
    if (seen !== lastSeen) {
      console.log(
        `  +${String(Date.now() - sentAt).padStart(5)} ms  ${seen}${message?.lastError ? ` (${message.lastError.phase}: ${message.lastError.reason})` : ''}`,
      );
      lastSeen = seen;
    }
    // A send that fails before a message exists (no destination, an invalid Bundle) shows only
    // on the appointment: it returns to checked_in with the reason.
    const returned = appointment.history.find(
      (h) =>
        h.from === 'sent_to_modality' && h.to === 'checked_in' && Date.parse(h.at) >= sentAt - 1000,
    );
    if (returned && !message) {
      console.log(`Failed: ${returned.reason}`);
      process.exitCode = 1;
      break;
    }
    if (
      message?.status === 'failed' ||
      (message?.status === 'confirmed' && appointment.state === 'with_modality')
    ) {
      if (message.status === 'confirmed') {
        console.log(
          `Confirmed: delivered ${message.deliveredAt}, confirmed ${message.confirmedAt}.`,
        );
        console.log(
          `What the hospital received: ${sinkApi}/received   Message: ${dispatcherApi}/messages/${message.messageId}`,
        );
      }
      process.exitCode = message.status === 'confirmed' ? 0 : 1;
      break;
    }
    await sleep(100);
  }
  if (process.exitCode === undefined) {
    console.log(
      'Not confirmed within 60 s: see the logs of npm start and GET /gateways on the dispatcher.',
    );
    process.exitCode = 1;
  }
} finally {
  await bus.close();
}
