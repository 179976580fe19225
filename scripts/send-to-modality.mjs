#!/usr/bin/env node
// Sends a participant to the modality, as the "Send to modality" button will, and follows the
// order until the hospital confirms it. Needs `npm start` running.
//
//   npm run send                      the first checked-in appointment at Leeds today
//   npm run send -- <appointmentId>   that appointment (check it in first if it is booked)
//
// It acts as the development user, as web does for a signed-in person (docs/adr/0006): its
// commands are signed with the development key of web (.data/keys, made by npm start), and it
// reads the services' APIs with staff tokens from the same key.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Bus } = require('../libs/bus/dist/index.js');
const { CheckIn, SendToModality } = require('../libs/contracts/dist/index.js');
const { devKeysDir, ensureDevKeys } = require('../libs/processes/dist/index.js');
const { createLogger } = require('../libs/telemetry/dist/index.js');
const { StaffTokenCache, signStaffCommand } = require('../libs/trust/dist/index.js');

const appointmentApi = process.env.APPOINTMENT_URL ?? 'http://127.0.0.1:3002';
const dispatcherApi = process.env.DISPATCHER_URL ?? 'http://127.0.0.1:3004';
const sinkApi = process.env.SINK_URL ?? 'http://127.0.0.1:3006';
const staff = { userId: 'demo-user', name: 'Demo Radiographer' };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keys = await ensureDevKeys(devKeysDir(root));
const tokens = new StaffTokenCache({ signingKey: keys.web.privateKey });
/** The Authorization header of the development user (clinic staff) for a service's API. */
const authorization = async (audience) => ({
  authorization: `Bearer ${await tokens.token({ subject: staff.userId, name: staff.name, role: 'clinic_staff', audience })}`,
});
/** A staff command as web sends it: requestedBy signed with web's (development) key. */
const signed = (contract, appointmentId) =>
  signStaffCommand(
    contract,
    { appointmentId, requestedBy: staff },
    { signingKey: keys.web.privateKey },
  );

/** A failure the user can act on: printed as its one line, without a stack. */
class Refusal extends Error {}

/** An HTTP answer that was not 2xx; `status` lets a caller explain the ones it expects. */
class HttpStatusError extends Error {
  constructor(url, status, body) {
    super(`GET ${url}: ${status} ${body}`);
    this.status = status;
  }
}

const getJson = async (url) => {
  const audience = url.startsWith(dispatcherApi) ? 'relay-dispatcher' : 'appointment';
  let response;
  try {
    response = await fetch(url, { headers: await authorization(audience) });
  } catch (error) {
    if (error?.cause?.code !== 'ECONNREFUSED') throw error;
    throw new Refusal(
      `Cannot reach ${new URL(url).origin} (connection refused). Is the system running? Start it with npm start`,
    );
  }
  if (!response.ok) throw new HttpStatusError(url, response.status, await response.text());
  return response.json();
};

async function getAppointment(appointmentId) {
  const path = `/appointments/${encodeURIComponent(appointmentId)}`;
  try {
    return await getJson(`${appointmentApi}${path}`);
  } catch (error) {
    if (error instanceof HttpStatusError && error.status === 404)
      throw new Refusal(`No appointment ${appointmentId} (GET ${path} answered 404)`);
    throw error;
  }
}

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
  throw new Refusal(
    'No checked-in appointment at Leeds: give an appointment id (npm run send -- <id>)',
  );
}

/** Prints a Refusal as its one line and exits 1; anything else stays an error with its stack. */
function refuse(error) {
  if (!(error instanceof Refusal)) throw error;
  console.error(error.message);
  process.exit(1);
}

// The appointment is looked up before the broker is reached, so an unknown id or a system that is
// not running is reported at once, in one line.
const appointmentId = process.argv[2] ?? (await firstCheckedInAtLeeds().catch(refuse));
let current = await getAppointment(appointmentId).catch(refuse);
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const bus = await Bus.connect({
  url: amqpUrl,
  namespace: process.env.BUS_NAMESPACE ?? 'mbs',
  service: 'send-script',
  logger: createLogger({ service: 'send-script', level: 'error' }),
  startupRetries: 2,
}).catch((error) => {
  const { hostname, port } = new URL(amqpUrl);
  refuse(
    new Refusal(
      `RabbitMQ is not answering at ${hostname}:${port || 5672} (${error.message}). ` +
        'Start it (rabbitmq-server -detached) or set AMQP_URL, as for npm start',
    ),
  );
});
try {
  if (current.state === 'booked') {
    await bus.publish(CheckIn, await signed(CheckIn, appointmentId));
    console.log(`${appointmentId}: checking in`);
    while (current.state === 'booked') {
      await sleep(100);
      current = await getAppointment(appointmentId);
    }
  }
  const { participant, accessionNumber } = current;
  console.log(
    `Sending ${participant.givenName} ${participant.familyName} (NHS ${participant.nhsNumber}), ` +
      `appointment ${appointmentId}, accession ${accessionNumber}`,
  );
  const command = await signed(SendToModality, appointmentId);
  const sentAt = Date.now();
  await bus.publish(SendToModality, command);
  console.log(`  command ${command.id} accepted by the broker`);

  let lastSeen = '';
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const appointment = await getAppointment(appointmentId);
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
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await bus.close();
}
