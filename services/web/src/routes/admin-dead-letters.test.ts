import { Bus } from '@mbs/bus';
import { AppointmentCommandRejected, createMessage } from '@mbs/contracts';
import {
  deleteNamespace,
  eventually,
  publishRaw,
  testLogger,
  uniqueName,
  useRabbitMq,
} from '@mbs/testing';
import {
  ADMIN,
  STAFF,
  Visitor,
  startWeb,
  stopMongo,
  type WebUnderTest,
} from '../../test/web-harness';
import { CONSUMER, startLiveUpdates } from '../live/live-relay';

describe("GET /admin/dead-letters: web's own dead letters (real RabbitMQ, MongoDB)", () => {
  const broker = useRabbitMq();
  const namespace = uniqueName('web-dl');
  let bus: Bus;
  let web: WebUnderTest;

  beforeAll(async () => {
    bus = await Bus.connect({
      url: broker.current.url,
      service: 'web',
      namespace,
      logger: testLogger('web-test'),
    });
    web = await startWeb({ deadLetters: bus.deadLetters(CONSUMER) });
    // web's consumer and listener, as main.ts starts them.
    await startLiveUpdates({ bus, rejections: web.context.rejections, feed: web.feed });
  });
  afterAll(async () => {
    await web?.stop();
    await bus?.close(2_000);
    await deleteNamespace(broker.current.url, namespace);
    await stopMongo();
  });

  it('shows administrators what web dead-lettered, without its body, and leaves it there', async () => {
    // A rejection that breaks its contract (no code): web's consumer dead-letters it at once.
    const rejection = createMessage(AppointmentCommandRejected, {
      commandId: 'cmd-dl-1',
      commandType: 'appointment.check-in',
      appointmentId: 'apt-dl-1',
      requestedBy: { userId: 'u-grace-dl', name: 'Grace Deadletter' },
      reason: 'Not checked in: Janet Marker-Thompson was cancelled',
      code: 'transition_refused',
    });
    const body = Buffer.from(
      JSON.stringify({ ...rejection, data: { ...rejection.data, code: '' } }),
    );
    await publishRaw(broker.current.url, {
      exchange: bus.names.exchangeFor('event'),
      routingKey: AppointmentCommandRejected.type,
      body,
      properties: { messageId: rejection.id, type: AppointmentCommandRejected.type },
    });

    const admin = new Visitor(web);
    await admin.signIn(ADMIN);
    const look = async (url = '/admin/dead-letters') => {
      const response = await admin.get(url);
      return { status: response.statusCode, body: response.body, json: response.json() };
    };
    const first = await eventually(async () => {
      const seen = await look();
      return seen.json.total === 1 && seen;
    }, "web's dead letter");
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      queue: bus.names.deadLetterQueue(CONSUMER),
      total: 1,
      deadLetters: [
        expect.objectContaining({
          id: rejection.id,
          type: AppointmentCommandRejected.type,
          failureCode: 'contract_violation',
          failedConsumer: CONSUMER,
          originalRoutingKey: AppointmentCommandRejected.type,
          sizeBytes: body.length,
        }),
      ],
    });
    for (const secret of ['Marker-Thompson', 'Grace Deadletter', 'u-grace-dl', 'apt-dl-1']) {
      expect(first.body).not.toContain(secret);
    }
    // Looking again finds it as it was.
    expect((await look()).json).toEqual(first.json);
    expect(await look('/admin/dead-letters?limit=0')).toMatchObject({
      status: 400,
      json: { errors: [{ field: 'limit' }] },
    });

    // Clinic staff get the 403 page; signed out, a browser is sent to sign in first.
    const staff = new Visitor(web);
    await staff.signIn(STAFF);
    expect((await staff.get('/admin/dead-letters')).statusCode).toBe(403);
    const stranger = await new Visitor(web).get('/admin/dead-letters');
    expect([stranger.statusCode, stranger.headers.location]).toEqual([
      303,
      '/sign-in?returnTo=%2Fadmin%2Fdead-letters',
    ]);
  });
});
